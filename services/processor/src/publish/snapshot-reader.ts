import type { Platform } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { ShopSnapshot } from "../engine/index.js";
import type { ShopConfigSource } from "../shop-config.js";
import { shopOverridesFor } from "../scores/context.js";
import { EntityStore } from "../state/entity-store.js";

export interface SnapshotReader {
  /** One shop's metrics and firing alerts now (or at `asOfMs`), or null when the shop has no state. */
  shop(platform: Platform, shopId: string, asOfMs?: number): Promise<ShopSnapshot | null>;
}

/**
 * Evaluates a shop on demand from its state in Redis, at any moment: for tests and tools that need the
 * engine's answer at a chosen time. The services never read this way: the gateway reads the snapshot
 * projection the processor writes after each evaluation (publish/projection.ts).
 */
export function createSnapshotReader(deps: {
  redis: Redis;
  keyPrefix: string;
  config: ShopConfigSource;
  now?: () => number;
}): SnapshotReader {
  const store = new EntityStore(deps.redis, deps.keyPrefix);
  // The same calendar as the processor's: a store evaluating under another would recompute the shop's records.
  store.calendars = deps.config.calendars;
  const now = deps.now ?? Date.now;
  return {
    async shop(platform, shopId, asOfMs) {
      const ev = await store.evaluate({ platform, shopId }, asOfMs ?? now(), shopOverridesFor(deps.config, `${platform}:${shopId}`));
      return ev?.snapshot ?? null;
    },
  };
}
