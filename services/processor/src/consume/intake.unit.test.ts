import { describe, expect, it } from "vitest";
import { intake } from "./intake.js";

const now = Date.parse("2026-03-02T12:00:00+08:00");
const ok = { id: "e1", type: "order.paid", platform: "douyin", shopId: "s", at: "2026-03-02T11:00:00+08:00", orderId: "o" };
const buf = (x: unknown) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x));

describe("intake", () => {
  it("accepts a valid event", () => {
    const r = intake(buf(ok), now);
    expect(r.ok).toBe(true);
  });
  it("names the field of an invalid event", () => {
    const r = intake(buf({ ...ok, orderId: 5 }), now);
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.reason).toContain("orderId");
  });
  it("refuses malformed JSON and empty records", () => {
    expect(intake(buf("{"), now)).toMatchObject({ ok: false });
    expect(intake(null, now)).toMatchObject({ ok: false, reason: "empty record" });
  });
  it("applies old events (retention is by entity), and refuses expired ones or ones more than 5 minutes ahead", () => {
    expect(intake(buf({ ...ok, at: "2026-01-01T00:00:00+08:00" }), now)).toMatchObject({ ok: true });
    expect(intake(buf({ ...ok, at: "2025-11-01T00:00:00+08:00" }), now)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("expired"),
    });
    expect(intake(buf({ ...ok, at: "2026-03-02T12:05:01+08:00" }), now)).toMatchObject({ ok: false });
    expect(intake(buf({ ...ok, at: "2026-03-02T12:05:00+08:00" }), now)).toMatchObject({ ok: true });
  });
});
