import type { Platform } from "@sg/events";
import type { Redis } from "@sg/redis";
import { evaluateShop, type ShopSnapshot } from "./engine/index.js";
import type { ShopConfigSource } from "./evaluator.js";
import { ShopStore } from "./state/shop-store.js";

export interface SnapshotReader {
  /** One shop's metrics and firing alerts now (or at `asOfMs`), or null when the shop has no retained event. */
  shop(platform: Platform, shopId: string, asOfMs?: number): Promise<ShopSnapshot | null>;
}

/** The read side used by the gateway's API and by `replay`: the same engine over the same Redis state. */
export function createSnapshotReader(deps: { redis: Redis; keyPrefix: string; config: ShopConfigSource; now?: () => number }): SnapshotReader {
  const store = new ShopStore(deps.redis, deps.keyPrefix);
  const now = deps.now ?? Date.now;
  return {
    async shop(platform, shopId, asOfMs) {
      const asOf = asOfMs ?? now();
      const events = await store.loadEvents({ platform, shopId }, asOf);
      if (events.length === 0) return null;
      return evaluateShop({ platform, shopId, events, asOf, shop: deps.config.shops?.[`${platform}:${shopId}`] ?? {} }).snapshot;
    },
  };
}
