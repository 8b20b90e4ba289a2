import { shopKey } from "./shop-key.js";

/**
 * The Redis keys more than one service reads or writes. Each service's private keys stay with it; these are
 * the contract. `prefix` is `KEY_PREFIX` (default `sg`).
 */
export function sharedKeys(prefix: string) {
  return {
    /** HASH silence id → Silence JSON, the layout before the silence index; read once to move its entries to `silence`. */
    silences: () => `${prefix}:silences`,
    /**
     * The silences, written by the gateway's API and read by the notifier per shop (runtime/silence-store.ts).
     * All share the hash tag `{silences}`: a silence is created (with its token's count) in one Lua call and
     * removed in one MULTI, which a Redis Cluster allows only within one slot.
     */
    silence: {
      /** HASH id → stored silence JSON (the `Silence` and the fingerprint of the token that created it). */
      data: () => `${prefix}:{silences}:data`,
      /** ZSET id scored by its end (epoch ms): expired ones are found without reading the others. */
      ends: () => `${prefix}:{silences}:ends`,
      /** SET of ids pinned to one shop (`platform:shopId`). */
      shop: (shopKey: string) => `${prefix}:{silences}:shop:${shopKey}`,
      /** SET of ids pinned to a platform but no shop: they reach every shop of it. */
      platformWide: (platform: string) => `${prefix}:{silences}:platform:${platform}`,
      /** SET of every id pinned to a platform, with or without a shop: what a `platform:*` token lists. */
      inPlatform: (platform: string) => `${prefix}:{silences}:in:${platform}`,
      /** SET of ids pinned to no platform (only a `*` token can create them): they reach every shop. */
      unpinned: () => `${prefix}:{silences}:unpinned`,
      /** ZSET of one token's ids scored by their end: its count of active and future silences. */
      owner: (fingerprint: string) => `${prefix}:{silences}:owner:${fingerprint}`,
    },
    /**
     * HASH receiver → DeliveryStatus JSON of its last attempt. Written by the notifier, read by the gateway.
     * It shares the hash tag `{deliveries}` with `failures`: a failure updates both in one MULTI, which a
     * Redis Cluster allows only within one slot.
     */
    deliveries: () => `${prefix}:notifier:{deliveries}:status`,
    /** LIST of DeliveryFailure JSON, newest first, at most `FAILURES_KEPT`. Written by the notifier, read by the gateway. */
    failures: () => `${prefix}:notifier:{deliveries}:failures`,
  };
}

/**
 * The hash tag of every key of one shop, `{platform:shopId}` (architecture.md): one shop's keys live in one
 * slot, so each Lua script touches one slot and the same code runs on Redis Cluster.
 */
export function shopHashTag(s: { platform: string; shopId: string }): string {
  return `{${shopKey(s)}}`;
}
