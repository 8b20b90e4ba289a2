import { describe, expect, it } from "vitest";
import { expireAt } from "./engine/incremental/delta.js";
import type { OrderRec } from "./engine/incremental/records.js";
import { retentionFor } from "./retention.js";

const DAY = 86_400_000;

describe("retention follows the longest window", () => {
  it("keeps 32 days for windows of a month or less, the window and two days beyond, and refuses more than events live", () => {
    expect(retentionFor(1).keepDays).toBe(32);
    expect(retentionFor(30).keepDays).toBe(32);
    expect(retentionFor(31).keepDays).toBe(32);
    expect(retentionFor(90).keepDays).toBe(92);
    expect(() => retentionFor(91)).toThrow(/91-day window is longer than the retention of events \(90 days\)/);
  });

  it("expires a signed order its platform's retention after its last fact", () => {
    const t = Date.parse("2026-03-01T10:00:00+08:00");
    const signed: OrderRec = { paid: { at: t, id: "p", flags: 0 }, pickedUpAt: t + DAY, signedAt: t + 3 * DAY };
    expect(expireAt("o:1", signed)).toBe(t + 3 * DAY + 32 * DAY);
    expect(expireAt("o:1", signed, retentionFor(90).closedKeepMs)).toBe(t + 3 * DAY + 92 * DAY);
    // An open order is kept as long as its events can still arrive (90 days after its first fact), or longer.
    const open: OrderRec = { paid: { at: t, id: "p", flags: 0 } };
    expect(expireAt("o:2", open)).toBe(t + 90 * DAY);
    expect(expireAt("o:2", open, retentionFor(90).closedKeepMs)).toBe(t + 92 * DAY);
  });
});
