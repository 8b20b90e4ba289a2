/**
 * Every Redis key of the notifier, from one builder (style.md, after trigger.dev's keyProducer). Keys of
 * one group share the hash tag `{g:<groupId>}`, keys of one receiver `{rcv:<name>}`, and the alert
 * registry of a shop the shop's own tag `{platform:shop}` (architecture.md), so every Lua script touches
 * one slot and the same code runs on Redis Cluster. Cross-slot steps are ordered so a crash between them
 * is repaired by the next tick (see state/group-store.ts).
 */
import { sharedKeys, shopHashTag, type ShopRef } from "@sg/events";

/** Group ids are built by `groupIdOf` from URI-encoded label values, so they never contain `{` or `}`. */
export function createKeys(prefix: string) {
  const n = `${prefix}:notifier`;
  const shared = sharedKeys(prefix);
  return {
    /** HASH `tok` (CAS token) and `state` (group state JSON). */
    group: (groupId: string) => `${n}:{g:${groupId}}:state`,
    /** ZSET groupId → epoch ms when the ticker must look at the group again. */
    due: () => `${n}:{due}:groups`,
    /** ZSET groupId → epoch ms queued: groups holding undelivered notifications for this receiver. */
    pending: (receiver: string) => `${n}:{rcv:${receiver}}:pending`,
    /** HASH of the receiver's token buckets (`t<i>` tokens, `ts` last refill). */
    bucket: (receiver: string) => `${n}:{rcv:${receiver}}:bucket`,
    /** STRING: the instance currently delivering to this receiver (a lease). */
    lock: (receiver: string) => `${n}:{rcv:${receiver}}:lock`,
    /** HASH `metric:kind` → latest AlertRecord JSON of the shop (seq-gated). */
    shopAlerts: (s: Pick<ShopRef, "shopId"> & { platform: string }) => `${prefix}:${shopHashTag(s)}:notifier:alerts`,
    /**
     * HASH receiver → JSON of its last delivery attempt (for the API; a shared key of @sg/events). It shares
     * the tag `{deliveries}` with `failures`, since a failure updates both in one MULTI, which a cluster allows
     * only in one slot.
     */
    deliveries: shared.deliveries,
    /** LIST of recent failed deliveries, newest first, JSON (for the API; a shared key of @sg/events). */
    failures: shared.failures,
  };
}
export type Keys = ReturnType<typeof createKeys>;
