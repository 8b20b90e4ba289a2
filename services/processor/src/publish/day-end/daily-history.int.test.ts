import { describe, expect, it } from "vitest";
import { DAY_END_MAX_BYTES, DayEnd, dayEndKeys, type CanonicalEvent } from "@sg/events";
import { createDayEndReader } from "@sg/events/runtime";
import { pollUntil } from "@sg/test";
import { testPipeline } from "../../testing/test-processor.js";

/**
 * docs/day-end-history.md: the value of day D is the engine's evaluation at the last instant of D, taken at
 * the first evaluation after the cut-off, and taken again ("settled") after the settle delay with the late
 * events of D. Shown on douyin pickup_24h_rate, whose outcomes are the pickup moments: a pickup at
 * 23:59:59.999 counts in D, one at 00:00:00.000 or later does not, even when it arrived before the take.
 */
describe("end-of-day values", () => {
  it("takes each day at its cut-off, settles it with late events, keeps 90 days", async () => {
    const pipe = await testPipeline("dayend", { partitions: 1 });
    const { run, redis } = pipe;
    const shop = { platform: "douyin" as const, shopId: "d1" };
    const ev = (id: string, type: string, at: string, orderId: string) =>
      ({ id, type, platform: "douyin", shopId: "d1", at, orderId }) as unknown as CanonicalEvent;
    const send = (xs: CanonicalEvent[]) => pipe.send(xs);
    const history = dayEndKeys(run).history(shop);
    // Days already in the history: one past retention (removed by the next write), one within it (kept).
    await redis.hset(history, "2025-11-01", "{}", "2026-01-05", "{}");

    let clock = Date.parse("2026-03-02T23:59:59.999+08:00");
    const reader = createDayEndReader(redis, run);
    try {
      const p = await pipe.startTestProcessor({ clock: () => clock, dayEnd: { settleMs: 3_600_000 } });
      await send([
        ev("a1", "order.paid", "2026-03-02T09:00:00+08:00", "A"),
        ev("a2", "logistics.picked_up", "2026-03-02T12:00:00+08:00", "A"),
        ev("e1", "order.paid", "2026-03-02T11:00:00+08:00", "E"),
        ev("e2", "logistics.picked_up", "2026-03-02T23:59:59.999+08:00", "E"),
        ev("b1", "order.paid", "2026-03-02T10:00:00+08:00", "B"),
        ev("c1", "order.paid", "2026-03-02T10:30:00+08:00", "C"),
      ]);
      await pipe.untilHandled(p);
      await p.flush();
      expect(await reader.day(shop, "2026-03-02")).toBeNull(); // the day is not over

      // After midnight, before the shop's evaluation: pickups at and after the cut-off arrive.
      clock = Date.parse("2026-03-03T00:00:30+08:00");
      await send([
        ev("b2", "logistics.picked_up", "2026-03-03T00:00:10+08:00", "B"),
        ev("c2", "logistics.picked_up", "2026-03-03T00:00:00.000+08:00", "C"),
      ]);
      await pipe.untilHandled(p);
      await p.flush();
      const close = await pollUntil(() => reader.day(shop, "2026-03-02"), { message: "close take of 2026-03-02" });
      expect(close).toMatchObject({
        day: "2026-03-02",
        take: "close",
        asOfMs: Date.parse("2026-03-03T00:00:00+08:00") - 1,
        takenAtMs: clock,
        rulePack: "douyin@2023-06",
      });
      expect(close.metrics.pickup_24h_rate).toEqual({ v: 1, n: 2, d: 2, s: "ok" });

      // A late event of the day (a pickup at 20:00 of order F) arrives at 00:59: not yet taken (before settling).
      clock = Date.parse("2026-03-03T00:59:00+08:00");
      await send([
        ev("f1", "order.paid", "2026-03-02T08:00:00+08:00", "F"),
        ev("f2", "logistics.picked_up", "2026-03-02T20:00:00+08:00", "F"),
      ]);
      await pipe.untilHandled(p);
      await p.flush();
      expect((await reader.day(shop, "2026-03-02"))?.take).toBe("close");

      // Past cut-off + settle (+ at most 10 min of per-shop spread): the shop's own wake-up takes it again.
      clock = Date.parse("2026-03-03T01:11:00+08:00");
      await p.flush();
      const settled = await pollUntil(
        async () => {
          const d = await reader.day(shop, "2026-03-02");
          return d?.take === "settled" ? d : undefined;
        },
        { message: "settled take" },
      );
      expect(settled.metrics.pickup_24h_rate).toEqual({ v: 1, n: 3, d: 3, s: "ok" });
      expect(settled.takenAtMs).toBe(clock);

      // Bounded: one shop-day fits DAY_END_MAX_BYTES; retention dropped the day past 90, kept the one within.
      const raw = (await redis.hget(history, "2026-03-02"))!;
      expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(DAY_END_MAX_BYTES);
      expect(DayEnd.parse(JSON.parse(raw))).toEqual(settled);
      // 2026-03-01 was taken at the shop's first evaluation (its events all lie later: no data then).
      expect((await redis.hkeys(history)).sort()).toEqual(["2026-01-05", "2026-03-01", "2026-03-02"]);
      expect((await reader.day(shop, "2026-03-01"))?.metrics.pickup_24h_rate).toEqual({ v: null, n: 0, d: 0, s: "no_data" });
      const ttl = await redis.ttl(history);
      expect(ttl).toBeGreaterThan(90 * 86_400);
      expect(ttl).toBeLessThanOrEqual(91 * 86_400);

      // The shared reader's range: only the day taken (the placeholder days do not parse and are skipped).
      expect((await reader.range(shop, "2026-03-02", "2026-03-03")).map((d) => d.day)).toEqual(["2026-03-02"]);
    } finally {
      await pipe.close();
    }
  });
});
