import { describe, expect, it } from "vitest";
import { MAX_EVENT_AGE_MS, MAX_FUTURE_MS, eventTimeRefusal, futureTimeReason, parseEvent, unrealTimeReason } from "./index.js";

const base = { id: "e1", type: "order.shipped", platform: "kuaishou", shopId: "s1", orderId: "o1", at: "2026-11-20T08:00:05+08:00" };
const problems = (over: Record<string, unknown>) => {
  const r = parseEvent({ ...base, ...over });
  return r.ok ? [] : r.problems;
};

describe("event time: not a real time", () => {
  it.each([
    ["2026-02-30T10:00:00+08:00", "has no day 30"],
    ["2025-02-29T10:00:00Z", "has no day 29"],
    ["2026-04-31T10:00:00Z", "has no day 31"],
    ["2026-13-01T10:00:00Z", "month 13"],
    ["2026-00-10T10:00:00Z", "month 00"],
    ["2026-01-01T25:00:00+08:00", "hour 25"],
    ["2026-01-01T24:00:00Z", "hour 24"],
    ["2026-01-01T10:60:00Z", "minute 60"],
    ["2026-01-01T10:00:61Z", "second 61"],
    ["2026-01-01T10:00:00+25:00", "offset"],
    ["2026-01-01T10:00:00+14:30", "offset"],
    ["2026-01-01T10:00:00-08:75", "offset"],
  ])("refuses %s naming at", (at, why) => {
    const p = problems({ at });
    expect(p.map((x) => x.field)).toEqual(["at"]);
    expect(p[0]!.reason).toContain("not a real time");
    expect(p[0]!.reason).toContain(why);
  });

  it.each([
    "2024-02-29T10:00:00+08:00",
    "2026-11-20T23:59:59.999999999-12:00",
    "2026-01-01T00:00Z",
    "2026-01-01T10:00:00+14:00",
    "1970-01-01T00:00:00Z",
  ])("accepts the real time %s (old ones too: retention is per entity)", (at) => {
    expect(unrealTimeReason(at)).toBeNull();
    expect(parseEvent({ ...base, at }).ok).toBe(true);
  });

  it("applies to every time field, not only at", () => {
    expect(problems({ type: "order.paid", promisedShipBy: "2026-02-30T00:00:00Z" }).map((p) => p.field)).toEqual(["promisedShipBy"]);
  });
});

describe("event time: the future rule shared by the gateway and the processor", () => {
  const now = Date.parse("2026-11-20T08:00:00Z");
  it("refuses only what is more than 5 minutes ahead", () => {
    expect(futureTimeReason(now + MAX_FUTURE_MS, now)).toBeNull();
    expect(futureTimeReason(now + MAX_FUTURE_MS + 1, now)).toBe("more than 5 minutes in the future");
    expect(futureTimeReason(Date.parse("2100-01-01T00:00:00Z"), now)).toContain("future");
    expect(futureTimeReason(0, now)).toBeNull();
  });

  it("refuses, typed, what is older than the retention (90 days) or ahead of the clock, and nothing else", () => {
    expect(MAX_EVENT_AGE_MS).toBe(90 * 86_400_000);
    expect(eventTimeRefusal(now - MAX_EVENT_AGE_MS, now)).toBeNull();
    expect(eventTimeRefusal(now + MAX_FUTURE_MS, now)).toBeNull();
    expect(eventTimeRefusal(now - MAX_EVENT_AGE_MS - 1, now)).toEqual({ kind: "expired", reason: expect.stringContaining("90 days") });
    expect(eventTimeRefusal(Date.parse("2020-01-01T00:00:00Z"), now)?.kind).toBe("expired");
    expect(eventTimeRefusal(now + MAX_FUTURE_MS + 1, now)).toEqual({ kind: "future", reason: "more than 5 minutes in the future" });
  });
});

describe("ids: lone UTF-16 surrogates", () => {
  it.each(["shopId", "id", "orderId"])("refuses a lone surrogate in %s with a clear message", (field) => {
    for (const bad of ["a\ud800", "\udc00b", "x\ud800y", "\udbff"]) {
      const p = problems({ [field]: bad });
      expect(p.map((x) => x.field)).toEqual([field]);
      expect(p[0]!.reason).toContain("lone UTF-16 surrogate");
    }
  });

  it("refuses them in consumerId and afterSaleId", () => {
    expect(problems({ type: "chat.closed", orderId: undefined, consumerId: "c\ud800" }).map((p) => p.field)).toEqual(["consumerId"]);
    expect(problems({ type: "aftersale.cancelled", orderId: undefined, afterSaleId: "\udfff" }).map((p) => p.field)).toEqual([
      "afterSaleId",
    ]);
  });

  it("two shop ids that would collapse into one Redis key are both refused; a proper pair is accepted", () => {
    // Both encode to "s\uFFFD" in UTF-8, so they would share sg:{kuaishou:s?}:… keys.
    expect(Buffer.from("s\ud800").equals(Buffer.from("s\udbff"))).toBe(true);
    expect(parseEvent({ ...base, shopId: "s\ud800" }).ok).toBe(false);
    expect(parseEvent({ ...base, shopId: "s\udbff" }).ok).toBe(false);
    expect(parseEvent({ ...base, shopId: "s\ud83d\ude00" }).ok).toBe(true);
    expect(parseEvent({ ...base, shopId: "店铺一号" }).ok).toBe(true);
  });
});
