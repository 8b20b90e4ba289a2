import { describe, expect, it } from "vitest";
import { Calendars } from "@sg/config";
import type { CanonicalEvent } from "@sg/events";
import { packFor } from "@sg/rules";
import { dayOfDate, leftOutBy, shopCalendar, stricterLines, stricterOf, suspendedDays } from "./calendar-entries.js";
import { referenceEvaluate } from "./reference/index.js";
import { evaluateV2InMemory } from "../testing/v2-in-memory.js";
import { dayNumber } from "./incremental/contrib.js";

/** docs/calendars.md "What the engine must do", on values computed by hand. */

const at = (s: string) => Date.parse(`${s}+08:00`);
let n = 0;
const ev = (type: string, t: string, orderId: string) =>
  ({ id: `e${++n}`, type, platform: "douyin", shopId: "s1", at: at(t), orderId }) as unknown as CanonicalEvent;

/**
 * pickup_24h_rate (30d, deadline 24h) at 2027-03-05 20:00:
 * o1 picked up in time on 03-01 (good, 03-01); o2 never picked up (bad at its deadline, 03-02 12:00);
 * o3 in time on 03-03 (good, 03-03); o4 picked up after its deadline (bad at the deadline, 03-04 10:00);
 * o5 pending, deadline 03-06 19:00. Without a calendar: 2 good of 4, 1 pending.
 */
const events = [
  ev("order.paid", "2027-03-01T10:00:00", "o1"),
  ev("logistics.picked_up", "2027-03-01T18:00:00", "o1"),
  ev("order.paid", "2027-03-01T12:00:00", "o2"),
  ev("order.paid", "2027-03-02T09:00:00", "o3"),
  ev("logistics.picked_up", "2027-03-03T08:00:00", "o3"),
  ev("order.paid", "2027-03-03T10:00:00", "o4"),
  ev("logistics.picked_up", "2027-03-04T11:00:00", "o4"),
  ev("order.paid", "2027-03-05T19:00:00", "o5"),
];
const asOf = at("2027-03-05T20:00:00");
const pack = packFor("douyin");

function both(calendars: Calendars | undefined) {
  const calendar = shopCalendar(calendars, "douyin", "s1");
  const v2 = evaluateV2InMemory({ platform: "douyin", shopId: "s1", events, asOf, pack, shop: calendar ? { calendar } : {} });
  const ref = referenceEvaluate({ platform: "douyin", shopId: "s1", events, asOf, pack, ...(calendars ? { calendars } : {}) });
  return { v2: v2.snapshot, ref: ref.snapshot, due: { v2: v2.due, ref: ref.due } };
}

const suspend = (name: string, from: string, to: string, metrics: string[] | "all") => ({ name, rule: "suspend", from, to, metrics });
const promotion = {
  name: "SAMPLE promotion",
  rule: "stricter",
  from: "2027-03-05",
  to: "2027-03-05",
  sample: true,
  lines: { pickup_24h_rate: { threshold: 0.95, target: 0.99 } },
};

describe("calendars in the engine (hand-computed)", () => {
  it("without a calendar: 2 good of 4, 1 pending (the baseline)", () => {
    const { v2, ref } = both(undefined);
    for (const s of [v2, ref]) {
      expect(s.metrics.pickup_24h_rate).toMatchObject({ value: 0.5, numerator: 2, denominator: 4, pending: 1, status: "breach" });
      expect(s.metrics.pickup_24h_rate!.sample).toBeUndefined();
    }
  });

  it("suspended days contribute nothing: neither count, nor pending, nor the board's queue", () => {
    // The platform's suspension removes o2 (03-02) and o3 (03-03); the shop's removes o4 (03-04) and the
    // pending o5, whose deadline (where it would count if bad) falls on 03-06. Left: o1, 1 of 1.
    const calendars = Calendars.parse({
      platforms: { douyin: [suspend("holiday", "2027-03-02", "2027-03-03", ["pickup_24h_rate"])] },
      shops: { "douyin:s1": [suspend("shop closed", "2027-03-04", "2027-03-06", ["pickup_24h_rate"])] },
    });
    const { v2, ref, due } = both(calendars);
    for (const s of [v2, ref]) {
      expect(s.metrics.pickup_24h_rate).toMatchObject({ value: 1, numerator: 1, denominator: 1, pending: 0, status: "ok", headroom: 0 });
      // Other metrics are untouched: bad_review_rate etc. have no data either way; a listed metric only.
      expect(s.alerts.filter((a) => a.metric === "pickup_24h_rate")).toEqual([]);
    }
    expect(due.v2.filter((d) => d.metric === "pickup_24h_rate")).toEqual([]);
    expect(due.ref.filter((d) => d.metric === "pickup_24h_rate")).toEqual([]);
  });

  it("stricter lines apply while asOf is in the range, and a sample entry marks the metric", () => {
    const calendars = Calendars.parse({ shops: { "douyin:s1": [promotion] } });
    const { v2, ref } = both(calendars);
    for (const s of [v2, ref]) {
      expect(s.metrics.pickup_24h_rate).toMatchObject({ value: 0.5, status: "breach", sample: true });
      // headroom against 0.95: floor(2 / 0.95 − 4) = −2.
      expect(s.metrics.pickup_24h_rate!.headroom).toBe(-2);
      expect(s.alerts.find((a) => a.metric === "pickup_24h_rate" && a.kind === "threshold")).toMatchObject({
        threshold: 0.95,
        target: 0.99,
      });
      expect(s.metrics.delivery_hours!.sample).toBeUndefined();
    }
    // The day after, the pack's lines are back.
    const later = evaluateV2InMemory({
      platform: "douyin",
      shopId: "s1",
      events,
      asOf: at("2027-03-06T08:00:00"),
      pack,
      shop: { calendar: shopCalendar(calendars, "douyin", "s1")! },
    });
    expect(later.snapshot.alerts.find((a) => a.metric === "pickup_24h_rate" && a.kind === "threshold")).toMatchObject({
      threshold: 0.9,
      target: 0.95,
    });
    expect(later.snapshot.metrics.pickup_24h_rate!.sample).toBeUndefined();
  });

  it("a wholly suspended metric has no data, and its window does not stretch", () => {
    const calendars = Calendars.parse({ platforms: { douyin: [suspend("all of it", "2027-03-01", "2027-03-06", "all")] } });
    const { v2, ref } = both(calendars);
    for (const s of [v2, ref])
      expect(s.metrics.pickup_24h_rate).toMatchObject({ value: null, status: "no_data", denominator: 0, pending: 0 });
  });
});

describe("which entry applies (calendar-entries.ts)", () => {
  const calendars = Calendars.parse({
    platforms: {
      douyin: [suspend("platform holiday", "2027-03-01", "2027-03-06", "all"), promotion],
      jd: [suspend("jd only", "2027-03-01", "2027-03-06", "all")],
    },
    shops: { "douyin:s1": [suspend("shop's own", "2027-03-04", "2027-03-04", ["pickup_24h_rate"])] },
  });
  const cal = shopCalendar(calendars, "douyin", "s1");

  it("a shop's entry replaces its platform's for that rule, metric and day; the evidence names it by path", () => {
    expect(leftOutBy(cal, "pickup_24h_rate", dayOfDate("2027-03-04"))).toEqual({
      by: "calendar",
      entry: 'calendars.shops["douyin:s1"][0]',
      name: "shop's own",
      rule: "suspended",
    });
    expect(leftOutBy(cal, "pickup_24h_rate", dayOfDate("2027-03-02"))?.entry).toBe("calendars.platforms.douyin[0]");
    expect(leftOutBy(cal, "delivery_hours", dayOfDate("2027-03-04"))?.entry).toBe("calendars.platforms.douyin[0]");
    expect(leftOutBy(cal, "pickup_24h_rate", dayOfDate("2027-03-07"))).toBeUndefined();
    // Another platform's entries never apply; another shop gets the platform's only.
    expect(shopCalendar(calendars, "douyin", "s2")!.entries.map((e) => e.path)).toEqual([
      "calendars.platforms.douyin[0]",
      "calendars.platforms.douyin[1]",
    ]);
    expect(shopCalendar(undefined, "douyin", "s1")).toBeUndefined();
  });

  it("days: both ends included, Shanghai days", () => {
    expect(dayOfDate("2027-03-04")).toBe(dayNumber(at("2027-03-04T00:00:00")));
    expect(dayOfDate("2027-03-04")).toBe(dayNumber(at("2027-03-04T23:59:59")));
    const s = suspendedDays(cal, "pickup_24h_rate", "pickup_rate")!;
    expect([dayOfDate("2027-02-28"), dayOfDate("2027-03-01"), dayOfDate("2027-03-06"), dayOfDate("2027-03-07")].map(s)).toEqual([
      false,
      true,
      true,
      false,
    ]);
    // A per-buyer 30-day metric is never suspended (metric-decisions.md "Calendars").
    expect(suspendedDays(cal, "human_reply_3min_rate", "buyer_reply_rate")).toBeUndefined();
  });

  it("stricter lines: the stricter of the shop's line and the entry's", () => {
    expect(stricterLines(cal, "pickup_24h_rate", dayOfDate("2027-03-05"))).toMatchObject({ threshold: 0.95, target: 0.99 });
    expect(stricterLines(cal, "pickup_24h_rate", dayOfDate("2027-03-06"))).toBeUndefined();
    expect(stricterOf("min", 0.97, 0.95)).toBe(0.97);
    expect(stricterOf("min", 0.9, 0.95)).toBe(0.95);
    expect(stricterOf("max", 72, 48)).toBe(48);
    expect(stricterOf("max", null, 48)).toBe(48);
    expect(stricterOf("max", 72, undefined)).toBe(72);
  });
});
