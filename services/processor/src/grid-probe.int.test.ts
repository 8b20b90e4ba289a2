import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORMS, type CanonicalEvent } from "@sg/events";
import { createRedis, deleteByPrefix, type RedisClient } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { referenceEvaluate } from "./engine/reference/index.js";
import { mulberry32 } from "./testing/random-events.js";
import { EntityStore, type ShopEvents } from "./state/entity-store.js";
import { gridStream } from "./testing/grid-streams.js";

/**
 * Engine v2 (EntityStore over a real redis-server) against the reference model on grid streams, where facts
 * compete: ties, equal instants, exact deadlines, repeated facts, and ids re-used with other bodies (the first
 * seen wins, events.md). Runs in `npm test` (200 streams, fixed seeds; `SG_GRID_RUNS` sets the count).
 */
const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_GRID_RUNS ?? 200);

describe("engine v2 equals the reference on grid streams", () => {
  let redis: RedisClient;
  beforeAll(() => {
    redis = createRedis(testInfra().redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
  });
  it(`on ${RUNS} grid streams`, { timeout: 900_000 }, async () => {
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const platform = PLATFORMS[run % 4]!;
      const seed = run * 7919 + 13;
      const { events } = gridStream(platform, FIRST_DAY + (run % 50) * DAY, seed);
      const rnd = mulberry32(seed);
      const prefix = uniqueName("grid");
      const store = new EntityStore(redis, prefix);
      const shop = { platform, shopId: "g1" };
      let now = 0;
      const delivered: CanonicalEvent[] = [];
      try {
        for (let i = 0; i < events.length;) {
          const batch = events.slice(i, i + 1 + Math.floor(rnd() * 8));
          i += batch.length;
          now = Math.max(now, ...batch.map((e) => Number(e.at)));
          delivered.push(...batch);
          const byShop = new Map<string, ShopEvents>([["k", { shop, events: batch.map((event) => ({ event, atMs: Number(event.at) })) }]]);
          await store.applyBatch(byShop, now, () => 0);
          if (rnd() < 0.3 || i >= events.length) {
            const inc = await store.evaluate(shop, now, {});
            const ref = referenceEvaluate({ platform, shopId: "g1", events: delivered, asOf: now });
            const a = inc && { m: inc.snapshot.metrics, al: inc.snapshot.alerts, due: inc.due, w: inc.nextWake };
            const b = { m: ref.snapshot.metrics, al: ref.snapshot.alerts, due: ref.due, w: ref.nextWake };
            try {
              expect(a).toEqual(b);
            } catch (err) {
              const diff: string[] = [];
              for (const k of Object.keys(b.m))
                if (JSON.stringify(a?.m[k]) !== JSON.stringify(b.m[k]))
                  diff.push(`${k}: engine ${JSON.stringify(a?.m[k])} reference ${JSON.stringify(b.m[k])}`);
              if (JSON.stringify(a?.al) !== JSON.stringify(b.al))
                diff.push(`alerts: engine ${JSON.stringify(a?.al)} reference ${JSON.stringify(b.al)}`);
              if (JSON.stringify(a?.due) !== JSON.stringify(b.due))
                diff.push(`due: engine ${JSON.stringify(a?.due)} reference ${JSON.stringify(b.due)}`);
              if (a?.w !== b.w) diff.push(`nextWake: engine ${a?.w} reference ${b.w}`);
              const reused = delivered.filter((e, i) => delivered.findIndex((x) => x.id === e.id) !== i).map((e) => JSON.stringify(e));
              failures.push(
                `run ${run} ${platform} seed ${seed} at ${new Date(now).toISOString()}: ${String(err).slice(0, 60)}\n${diff.join("\n")}\nre-used ids delivered: ${reused.join(" ")}`,
              );
              break;
            }
          }
        }
      } finally {
        await deleteByPrefix(redis, prefix);
      }
    }
    console.log(`grid probe: ${RUNS} runs, ${failures.length} failing\n${failures.slice(0, 6).join("\n\n")}`);
    expect(failures).toEqual([]);
  });
});
