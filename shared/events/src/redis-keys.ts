import { shopKey } from "./shop-key.js";

/**
 * The Redis keys more than one service reads or writes. Each service's private keys stay with it; these are
 * the contract. `prefix` is `KEY_PREFIX` (default `sg`).
 */
export function sharedKeys(prefix: string) {
  return {
    /** HASH silence id → Silence JSON. Written by the gateway's API, read by the notifier every tick. */
    silences: () => `${prefix}:silences`,
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
