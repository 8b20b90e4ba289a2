/**
 * Every conformance case against engine v2 (the incremental state in a real Redis), without Kafka: the same
 * cases and comparison as conformance.unit.test.ts (the pure reference engine) and conformance.int.test.ts
 * (a handful end to end through `replay`). As in `replay`, each line is decided by the processor's `intake`
 * with the clock at `at`, events later than `at` are not sent, and the shop is evaluated at `at`. The lines
 * are applied in batches of a few, in file order, so every case also exercises applies across batches.
 */
import { parseScoreguardConfig, type Calendars } from "@sg/config";
import { parseShopKey, shopKey, toMillis } from "@sg/events";
import { evaluateShop, type ShopOverrides } from "@sg/processor";
import { EntityStore, type ShopEvents } from "@sg/processor/state";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { testInfra, uniqueName } from "@sg/test";
import { afterAll, describe, expect, it } from "vitest";
import { intake } from "../../services/processor/src/consume/intake.js";
import { readEventsFile } from "../../services/processor/src/replay/read-events.js";
import { shopOverridesFor } from "../../services/processor/src/scores/context.js";
import { casesDir, caseNames, compare, loadCase, type ReplayOutput } from "./cases.js";

const BATCH = 3;

describe("conformance against engine v2 (hand-computed from shared/spec)", () => {
  const redis = createRedis(testInfra().redisUrl);
  afterAll(() => redis.disconnect());

  it.each(caseNames)("%s", async (name) => {
    const meta = loadCase(name);
    const asOf = toMillis(meta.at);
    const config = meta.config === undefined ? {} : parseScoreguardConfig(meta.config);
    const read = readEventsFile(`${casesDir}${name}.jsonl`);
    if (read.errors.length > 0) throw new Error(`${name}.jsonl: ${read.errors.join("; ")}`);
    const prefix = uniqueName("conf-v2");
    const store = new EntityStore(redis, prefix);
    store.calendars = (config as { calendars?: Calendars }).calendars;
    const shops = new Set<string>();
    try {
      const lines = read.lines.filter((l) => toMillis(l.event.at) <= asOf);
      for (const l of read.lines) shops.add(shopKey(l.event));
      for (let i = 0; i < lines.length; i += BATCH) {
        const byShop = new Map<string, ShopEvents>();
        for (const line of lines.slice(i, i + BATCH)) {
          const decided = intake(Buffer.from(line.raw), asOf);
          if (!decided.ok) continue;
          const key = shopKey(decided.event);
          const entry = byShop.get(key) ?? { shop: { platform: decided.event.platform, shopId: decided.event.shopId }, events: [] };
          byShop.set(key, entry);
          entry.events.push({ event: decided.event, atMs: decided.atMs });
        }
        await store.applyBatch(byShop, asOf, () => 0);
      }
      const out: NonNullable<ReplayOutput["shops"]> = {};
      for (const key of shops) {
        const shop = parseShopKey(key);
        if (shop === null) throw new Error(`${key} is not a shop key`);
        const overrides: ShopOverrides = shopOverridesFor(config, key);
        // A shop whose every line was refused still lists its pack's metrics, as `replay` prints it.
        const ev = await store.evaluate(shop, asOf, overrides);
        out[key] = ev ? ev.snapshot : evaluateShop({ ...shop, events: [], asOf, shop: overrides }).snapshot;
      }
      expect(compare({ shops: out }, meta), meta.why ?? "").toEqual([]);
    } finally {
      await deleteByPrefix(redis, prefix);
    }
  });
});
