import { describe, expect, it } from "vitest";
import { Calendars } from "@sg/config";
import type { CanonicalEvent, Platform } from "@sg/events";
import { calendarIssues, packFor } from "@sg/rules";
import { shopCalendar } from "./calendar-entries.js";
import { contributionFingerprint, extendingEntry, regionCovers } from "./calendar-items.js";
import { evaluateShop } from "./evaluate.js";
import { referenceEvaluate } from "./reference/index.js";
import { evaluateV2InMemory } from "../testing/v2-in-memory.js";
import { dayOfDate } from "./calendar-entries.js";
import { applyEvents, emptyShopState } from "./incremental/shop-state.js";
import { metricItems } from "./evidence/shop-evidence.js";

/**
 * docs/calendars.md items 4 (`extend_deadline`) and 5 (`exclude_regions`), on values computed by hand, through
 * engine v2 (in memory), the full-history evaluateShop and the reference model.
 */

const at = (s: string) => Date.parse(`${s}+08:00`);
let n = 0;
const ev = (platform: Platform, type: string, t: string, fields: Record<string, unknown>) =>
  ({ id: `e${++n}`, type, platform, shopId: "s1", at: at(t), ...fields }) as unknown as CanonicalEvent;

/** The three engines on one shop's events, with the configuration's calendars. */
function all3(platform: Platform, events: CanonicalEvent[], asOf: number, calendars: Calendars | undefined) {
  const pack = packFor(platform);
  const calendar = shopCalendar(calendars, platform, "s1");
  const shop = calendar ? { calendar } : {};
  return {
    v2: evaluateV2InMemory({ platform, shopId: "s1", events, asOf, pack, shop }).snapshot,
    full: evaluateShop({ platform, shopId: "s1", events, asOf, pack, shop }).snapshot,
    ref: referenceEvaluate({ platform, shopId: "s1", events, asOf, pack, ...(calendars ? { calendars } : {}) }).snapshot,
  };
}

describe("extend_deadline (item 4), hand-computed", () => {
  /**
   * douyin pickup_24h_rate (30d, deadline 24h) at 2027-02-07 18:00. An entry gives orders paid 02-05..02-06 a
   * 48 h deadline (replacing 24 h, not added to it):
   * A paid 02-05 10:00, picked up 02-06 20:00 (34 h): covered, in time under 48 h → good.
   * B paid 02-04 10:00, picked up 02-05 20:00 (34 h): paid the day before the range, 24 h applies → bad.
   * C paid 02-06 12:00, not picked up: covered, deadline 02-08 12:00 still ahead → pending.
   * With the entry: 1 good of 2, 1 pending. Without it: A, B and C all late (C's 24 h deadline 02-07 12:00 passed): 0 of 3.
   */
  const events = [
    ev("douyin", "order.paid", "2027-02-05T10:00:00", { orderId: "A" }),
    ev("douyin", "logistics.picked_up", "2027-02-06T20:00:00", { orderId: "A" }),
    ev("douyin", "order.paid", "2027-02-04T10:00:00", { orderId: "B" }),
    ev("douyin", "logistics.picked_up", "2027-02-05T20:00:00", { orderId: "B" }),
    ev("douyin", "order.paid", "2027-02-06T12:00:00", { orderId: "C" }),
  ];
  const asOf = at("2027-02-07T18:00:00");
  const entry = {
    name: "春节 2027 pickup 48 h (EXAMPLE)",
    rule: "extend_deadline",
    from: "2027-02-05",
    to: "2027-02-06",
    deadline: "48h",
    metrics: ["pickup_24h_rate"],
  };

  it("without the entry: 0 of 3 (the baseline)", () => {
    for (const s of Object.values(all3("douyin", events, asOf, undefined)))
      expect(s.metrics.pickup_24h_rate).toMatchObject({ value: 0, numerator: 0, denominator: 3, pending: 0 });
  });

  it("covered orders get the entry's deadline: 1 of 2, C pending", () => {
    const calendars = Calendars.parse({ platforms: { douyin: [entry] } });
    for (const [engine, s] of Object.entries(all3("douyin", events, asOf, calendars)))
      expect(s.metrics.pickup_24h_rate, engine).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, pending: 1 });
  });

  it("a shop's entry replaces its platform's for the same rule, metric and day", () => {
    // The shop's 30 h for 02-05 only: A (34 h) is late again; C (02-06) keeps the platform's 48 h. 0 of 2, C pending.
    const calendars = Calendars.parse({
      platforms: { douyin: [entry] },
      shops: { "douyin:s1": [{ ...entry, name: "shop: 30 h", to: "2027-02-05", deadline: "30h" }] },
    });
    for (const [engine, s] of Object.entries(all3("douyin", events, asOf, calendars)))
      expect(s.metrics.pickup_24h_rate, engine).toMatchObject({ value: 0, numerator: 0, denominator: 2, pending: 1 });
  });

  /**
   * pdd overdue_refund_count (30d, deadline 48h) at 2027-02-10 12:00. An entry gives exchanges requested
   * 02-05..02-06 5 days: X (exchange, 02-05 10:00, answered 02-08 12:00, 3 d 2 h) is in time; Y (refund_only,
   * 02-05 10:00, answered 02-08 12:00) keeps 48 h and is overdue; Z (exchange, 02-06 09:00, unanswered) is
   * pending until 02-11 09:00. Count 1 (Y), 1 pending. Without the entry: X, Y and Z overdue, 3.
   */
  it("aftersaleKinds: only the listed kinds get the deadline (pdd overdue_refund_count)", () => {
    const req = (id: string, t: string, kind: string) =>
      ev("pdd", "aftersale.requested", t, { afterSaleId: id, orderId: `o-${id}`, kind, reason: "quality", afterShipment: true });
    const act = (id: string, t: string) => ev("pdd", "aftersale.merchant_acted", t, { afterSaleId: id, decision: "agree" });
    const evs = [
      req("X", "2027-02-05T10:00:00", "exchange"),
      act("X", "2027-02-08T12:00:00"),
      req("Y", "2027-02-05T10:00:00", "refund_only"),
      act("Y", "2027-02-08T12:00:00"),
      req("Z", "2027-02-06T09:00:00", "exchange"),
    ];
    const asOf2 = at("2027-02-10T12:00:00");
    for (const [engine, s] of Object.entries(all3("pdd", evs, asOf2, undefined)))
      expect(s.metrics.overdue_refund_count, engine).toMatchObject({ value: 3, pending: 0 });
    const calendars = Calendars.parse({
      platforms: {
        pdd: [
          {
            name: "春节 2027 exchanges 5 d (EXAMPLE)",
            rule: "extend_deadline",
            from: "2027-02-05",
            to: "2027-02-06",
            deadline: "5d",
            aftersaleKinds: ["exchange"],
            metrics: ["overdue_refund_count"],
          },
        ],
      },
    });
    for (const [engine, s] of Object.entries(all3("pdd", evs, asOf2, calendars)))
      expect(s.metrics.overdue_refund_count, engine).toMatchObject({ value: 1, pending: 1 });
  });

  it("extendingEntry: an entry listing after-sale kinds does not apply to an item with none", () => {
    const cal = shopCalendar(
      Calendars.parse({ platforms: { pdd: [{ ...entry, metrics: ["overdue_refund_count"], aftersaleKinds: ["exchange"] }] } }),
      "pdd",
      "s1",
    );
    const day = dayOfDate("2027-02-05");
    expect(extendingEntry(cal, "overdue_refund_count", day, "exchange")?.entry.deadline).toBe(48 * 3_600_000);
    expect(extendingEntry(cal, "overdue_refund_count", day, "refund_only")).toBeUndefined();
    expect(extendingEntry(cal, "overdue_refund_count", day)).toBeUndefined();
    expect(extendingEntry(cal, "overdue_refund_count", day - 1, "exchange")).toBeUndefined();
  });
});

describe("exclude_regions (item 5), hand-computed", () => {
  it("regionCovers: a province covers its 2-digit prefix, a city its 4-digit prefix, a district itself", () => {
    expect(regionCovers("420000", "420106")).toBe(true);
    expect(regionCovers("420000", "430106")).toBe(false);
    expect(regionCovers("420100", "420106")).toBe(true);
    expect(regionCovers("420100", "420302")).toBe(false);
    expect(regionCovers("420106", "420106")).toBe(true);
    expect(regionCovers("420106", "420102")).toBe(false);
  });

  /**
   * douyin pickup_24h_rate at 2027-02-08 12:00; Hubei (420000) excluded 02-05..02-06 (both counted on the day
   * they count on: a pickup in time, else the deadline; delivery_hours on the signing):
   * D to 420106 (Wuhan), paid 02-05 08:00, picked up 12:00: good, counts 02-05 → left out.
   * E from 440305 to 310101, paid 02-05 08:00, never picked up: bad at 02-06 08:00, no listed region → counted.
   * F to 420102, paid 02-06 10:00, never picked up: bad at its deadline 02-07 10:00, after the range → counted.
   * G no regions, paid 02-05 09:00, picked up 02-05 11:00: never excluded → good.
   * H from 420302 (Shiyan, Hubei) to 110105, paid 02-04 12:00, picked up 02-05 10:00: counts 02-05, from a
   *   listed province → left out.
   * With the entry: 1 good (G) of 3 (E, F, G). Without: 3 good (D, G, H) of 5. delivery_hours: D signed 02-06 18:00
   * (30 h after pickup) left out; G signed 02-06 11:00 (24 h) → 24 h; without: (30 + 24) / 2 = 27 h.
   */
  const events = [
    ev("douyin", "order.paid", "2027-02-05T08:00:00", { orderId: "D", shipToRegion: "420106" }),
    ev("douyin", "logistics.picked_up", "2027-02-05T12:00:00", { orderId: "D" }),
    ev("douyin", "logistics.signed", "2027-02-06T18:00:00", { orderId: "D" }),
    ev("douyin", "order.paid", "2027-02-05T08:00:00", { orderId: "E", shipFromRegion: "440305", shipToRegion: "310101" }),
    ev("douyin", "order.paid", "2027-02-06T10:00:00", { orderId: "F", shipToRegion: "420102" }),
    ev("douyin", "order.paid", "2027-02-05T09:00:00", { orderId: "G" }),
    ev("douyin", "logistics.picked_up", "2027-02-05T11:00:00", { orderId: "G" }),
    ev("douyin", "logistics.signed", "2027-02-06T11:00:00", { orderId: "G" }),
    ev("douyin", "order.paid", "2027-02-04T12:00:00", { orderId: "H", shipFromRegion: "420302", shipToRegion: "110105" }),
    ev("douyin", "logistics.picked_up", "2027-02-05T10:00:00", { orderId: "H" }),
  ];
  const asOf = at("2027-02-08T12:00:00");
  const hubei = {
    name: "湖北 excluded (EXAMPLE)",
    rule: "exclude_regions",
    from: "2027-02-05",
    to: "2027-02-06",
    regions: ["420000"],
    metrics: ["pickup_24h_rate", "delivery_hours"],
  };

  it("without the entry: 3 of 5; delivery 27 h", () => {
    for (const [engine, s] of Object.entries(all3("douyin", events, asOf, undefined))) {
      expect(s.metrics.pickup_24h_rate, engine).toMatchObject({ value: 0.6, numerator: 3, denominator: 5 });
      expect(s.metrics.delivery_hours, engine).toMatchObject({ value: 27, denominator: 2 });
    }
  });

  it("orders from or to a listed province, counting in the range, are left out: 1 of 3; delivery 24 h", () => {
    const calendars = Calendars.parse({ platforms: { douyin: [hubei] } });
    for (const [engine, s] of Object.entries(all3("douyin", events, asOf, calendars))) {
      expect(s.metrics.pickup_24h_rate, engine).toMatchObject({ numerator: 1, denominator: 3 });
      expect(s.metrics.delivery_hours, engine).toMatchObject({ value: 24, denominator: 1 });
    }
  });

  it("a city entry covers its own districts only: Wuhan (420100) over 02-05..02-07 leaves out D and F, not H", () => {
    // D (420106, counts 02-05) and F (420102, counts at its deadline 02-07 10:00) left out; H (420302, Shiyan) counted.
    // Left: E bad, G good, H good: 2 of 3. The entry does not name delivery_hours: D and G, 27 h.
    const calendars = Calendars.parse({
      platforms: { douyin: [{ ...hubei, to: "2027-02-07", regions: ["420100"], metrics: ["pickup_24h_rate"] }] },
    });
    for (const [engine, s] of Object.entries(all3("douyin", events, asOf, calendars))) {
      expect(s.metrics.pickup_24h_rate, engine).toMatchObject({ numerator: 2, denominator: 3 });
      expect(s.metrics.delivery_hours, engine).toMatchObject({ value: 27, denominator: 2 });
    }
  });
});

describe("calendars: what a contribution depends on", () => {
  it("the fingerprint covers deadline extensions and excluded regions only", () => {
    const base = { name: "x", from: "2027-02-05", to: "2027-02-06" };
    const susp = Calendars.parse({ platforms: { jd: [{ ...base, rule: "suspend", metrics: "all" }] } });
    expect(contributionFingerprint(shopCalendar(susp, "jd", "s1"))).toBe("");
    const ext = (d: string) =>
      shopCalendar(
        Calendars.parse({ platforms: { jd: [{ ...base, rule: "extend_deadline", deadline: d, metrics: ["first_response_30s_rate"] }] } }),
        "jd",
        "s1",
      );
    expect(contributionFingerprint(ext("60s"))).not.toBe("");
    expect(contributionFingerprint(ext("60s"))).not.toBe(contributionFingerprint(ext("90s")));
  });

  it("start-up: an extension of a kind not extended, or regions on items without regions, name their path", () => {
    const calendars = Calendars.parse({
      platforms: {
        pdd: [
          {
            name: "x",
            from: "2027-02-05",
            to: "2027-02-06",
            rule: "exclude_regions",
            regions: ["420000"],
            metrics: ["human_reply_3min_rate"],
          },
        ],
      },
    });
    expect(calendarIssues(calendars).map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      expect.stringMatching(
        /^calendars\.platforms\.pdd\.0\.metrics\.0: "human_reply_3min_rate" \(reply_consumer_day, buyer_reply_rate\) is not an order timeliness metric/,
      ),
    ]);
  });
});

describe("evidence: what the calendar did, in words naming the entry", () => {
  /**
   * douyin at 2027-02-08 12:00: K paid 02-05 10:00 to 420106, picked up 02-05 20:00 (in time, counts 02-05):
   * Hubei is excluded that day by a sample entry → excluded, region_excluded. L paid 02-06 08:00, picked up
   * 02-07 20:00 (36 h): the 48 h extension covers it → good, its line "48 h". M paid 02-03 09:00, no pickup: bad
   * at 02-04 09:00, a day the platform suspends (a sample entry) → excluded, suspended.
   */
  const events = [
    ev("douyin", "order.paid", "2027-02-05T10:00:00", { orderId: "K", shipToRegion: "420106" }),
    ev("douyin", "logistics.picked_up", "2027-02-05T20:00:00", { orderId: "K" }),
    ev("douyin", "order.paid", "2027-02-06T08:00:00", { orderId: "L" }),
    ev("douyin", "logistics.picked_up", "2027-02-07T20:00:00", { orderId: "L" }),
    ev("douyin", "order.paid", "2027-02-03T09:00:00", { orderId: "M" }),
  ];
  const calendars = Calendars.parse({
    platforms: {
      douyin: [
        {
          name: "春节 2027: pickup not assessed",
          rule: "suspend",
          from: "2027-02-04",
          to: "2027-02-04",
          metrics: ["pickup_24h_rate"],
          sample: true,
        },
        { name: "春节 2027: pickup 48 h", rule: "extend_deadline", from: "2027-02-06", to: "2027-02-06", deadline: "48h", metrics: "all" },
      ],
    },
    shops: {
      "douyin:s1": [
        {
          name: "湖北 2027",
          rule: "exclude_regions",
          from: "2027-02-05",
          to: "2027-02-05",
          regions: ["420000"],
          metrics: "all",
          sample: true,
        },
      ],
    },
  });

  it("lists K and M as excluded with leftOut, and L good under its extended line", () => {
    const calendar = shopCalendar(calendars, "douyin", "s1")!;
    const pack = packFor("douyin");
    const asOf = at("2027-02-08T12:00:00");
    const { state } = applyEvents(
      pack,
      emptyShopState(),
      events.map((event) => ({ event, atMs: Number(event.at) })),
      asOf,
      Infinity,
      undefined,
      undefined,
      calendar,
    );
    const items = metricItems(
      [...state.records].map(([k, r]) => [k, r.rec]),
      pack,
      asOf,
      { calendar },
    ).get("pickup_24h_rate")!;
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get("K")).toMatchObject({
      outcome: "excluded",
      n: 0,
      d: 0,
      leftOut: { by: "calendar", entry: 'calendars.shops["douyin:s1"][0]', name: "湖北 2027", rule: "region_excluded" },
    });
    expect(byId.get("K")!.why.en).toBe(
      'region not assessed (420106): 湖北 2027 (calendars.shops["douyin:s1"][0], an example, not a platform\'s notice); was good',
    );
    expect(byId.get("M")).toMatchObject({
      outcome: "excluded",
      leftOut: { by: "calendar", entry: "calendars.platforms.douyin[0]", name: "春节 2027: pickup not assessed", rule: "suspended" },
    });
    expect(byId.get("M")!.why["zh-CN"]).toBe(
      "不考核：春节 2027: pickup not assessed（calendars.platforms.douyin[0]，示例，非平台通知）；原为不合格",
    );
    expect(byId.get("L")).toMatchObject({ outcome: "good", n: 1, d: 1 });
    expect(byId.get("L")!.why.en).toBe(
      "picked up 36 h after payment; line 48 h, extended by 春节 2027: pickup 48 h (calendars.platforms.douyin[1])",
    );
  });
});
