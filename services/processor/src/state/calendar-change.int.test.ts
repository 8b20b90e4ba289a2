import { Calendars } from "@sg/config";
import { toMillis, type CanonicalEvent } from "@sg/events";
import { packFor } from "@sg/rules";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../engine/reference/index.js";
import { shopCalendar } from "../engine/calendar-entries.js";
import { decodeStored } from "../engine/incremental/codec.js";
import { EntityStore, type ShopEvents } from "./entity-store.js";

const shop = { platform: "douyin", shopId: "cal-change" };
const at = (s: string) => Date.parse(`2027-02-${s}+08:00`);
let n = 0;
const ev = (type: string, t: string, fields: Record<string, unknown>) =>
  ({ id: `c${++n}`, type, ...shop, at: new Date(at(t)).toISOString(), ...fields }) as unknown as CanonicalEvent;
const batch = (events: CanonicalEvent[]) =>
  new Map<string, ShopEvents>([["douyin:cal-change", { shop, events: events.map((event) => ({ event, atMs: toMillis(event.at) })) }]]);

/**
 * docs/calendars.md "Status": deadline extensions and excluded regions decide items where their contributions
 * are computed, so a changed calendar (a restart with another configuration) must apply as if it had always
 * been so. Hand-computed, douyin pickup_24h_rate at 02-08 12:00:
 * A paid 02-05 10:00, picked up 02-06 20:00 (34 h), to 420106; B paid 02-06 09:00, picked up 02-06 15:00, to
 * 420106; C paid 02-06 12:00, picked up 02-07 10:00 (22 h), no region.
 * - no calendar: A late; B, C in time: 2 of 3;
 * - 48 h for orders paid 02-05..02-06: A, B, C in time: 3 of 3;
 * - Hubei (420000) excluded 02-05..02-07, 24 h: A (counts at its deadline 02-06 10:00) and B left out: C, 1 of 1.
 */
const events = [
  ev("order.paid", "05T10:00:00", { orderId: "A", shipToRegion: "420106" }),
  ev("logistics.picked_up", "06T20:00:00", { orderId: "A" }),
  ev("order.paid", "06T09:00:00", { orderId: "B", shipToRegion: "420106" }),
  ev("logistics.picked_up", "06T15:00:00", { orderId: "B" }),
  ev("order.paid", "06T12:00:00", { orderId: "C" }),
  ev("logistics.picked_up", "07T10:00:00", { orderId: "C" }),
];
const base = { from: "2027-02-05", to: "2027-02-06", metrics: ["pickup_24h_rate"] };
const extended = Calendars.parse({
  platforms: { douyin: [{ ...base, name: "48 h (EXAMPLE)", rule: "extend_deadline", deadline: "48h" }] },
});
const hubei = Calendars.parse({
  shops: { "douyin:cal-change": [{ ...base, to: "2027-02-07", name: "湖北 (EXAMPLE)", rule: "exclude_regions", regions: ["420000"] }] },
});

describe("EntityStore: a changed calendar applies as if it had always been so", () => {
  it("extension → excluded region → none, each restart's evaluation equal to the reference under that calendar", async () => {
    const redis = createRedis(testInfra().redisUrl);
    const prefix = uniqueName("calchange");
    const storeWith = (calendars: Calendars | undefined) => {
      const s = new EntityStore(redis, prefix);
      s.calendars = calendars;
      return s;
    };
    const evaluate = async (calendars: Calendars | undefined, asOf: number) => {
      const calendar = shopCalendar(calendars, "douyin", "cal-change");
      const v2 = await storeWith(calendars).evaluate(shop, asOf, calendar ? { calendar } : {});
      const ref = referenceEvaluate({
        ...shop,
        platform: "douyin",
        events,
        asOf,
        pack: packFor("douyin"),
        ...(calendars ? { calendars } : {}),
      });
      expect(v2!.snapshot.metrics).toEqual(ref.snapshot.metrics);
      return v2!.snapshot.metrics.pickup_24h_rate!;
    };
    try {
      const asOf = at("08T12:00:00");
      await storeWith(extended).applyBatch(batch(events.slice(0, 4)), at("07T09:00:00"), () => 0);
      await storeWith(extended).applyBatch(batch(events.slice(4)), at("07T11:00:00"), () => 0);
      expect(await evaluate(extended, asOf)).toMatchObject({ numerator: 3, denominator: 3 });

      // Restarted with the excluded region instead: every record is recomputed before the evaluation.
      expect(await evaluate(hubei, asOf)).toMatchObject({ numerator: 1, denominator: 1 });
      const stored = await redis.hgetall(`${prefix}:{douyin:cal-change}:ent`);
      const tags = new Set(Object.entries(stored).map(([k, v]) => decodeStored(k, v).cal));
      expect(tags.size).toBe(1);
      expect([...tags][0]).toMatch(/^[0-9a-f]{12}$/);

      // And without a calendar at all: the records go back to the pack's deadline and no region.
      expect(await evaluate(undefined, asOf)).toMatchObject({ numerator: 2, denominator: 3 });
      const plain = await redis.hgetall(`${prefix}:{douyin:cal-change}:ent`);
      expect(Object.entries(plain).map(([k, v]) => decodeStored(k, v).cal)).toEqual([undefined, undefined, undefined]);

      // Back to the extension, with an event applied by a store under it before any evaluation.
      const update = ev("logistics.updated", "07T12:00:00", { orderId: "C" });
      await storeWith(extended).applyBatch(batch([update]), at("08T11:00:00"), () => 0);
      events.push(update);
      expect(await evaluate(extended, asOf)).toMatchObject({ numerator: 3, denominator: 3 });
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
