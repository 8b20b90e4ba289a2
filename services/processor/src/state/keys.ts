/**
 * Every Redis key of the processor, from one builder (style.md). All keys of a shop carry the hash tag
 * `{platform:shop}`, so each Lua script touches one slot and runs unchanged on Redis Cluster.
 */
export interface ShopRef {
  platform: string;
  shopId: string;
}

export function shopTag(s: ShopRef): string {
  return `{${s.platform}:${s.shopId}}`;
}

export function createKeys(prefix: string) {
  const shop = (s: ShopRef, part: string) => `${prefix}:${shopTag(s)}:${part}`;
  return {
    /** ZSET event id → event time (ms): the dedup index. */
    shopIds: (s: ShopRef) => shop(s, "ids"),
    /** ZSET canonical event JSON → event time (ms): the shop's retained events. */
    shopLog: (s: ShopRef) => shop(s, "log"),
    /** HASH orderId → JSON of the order's latest `logistics.updated` (the only one any metric reads). */
    shopTrack: (s: ShopRef) => shop(s, "track"),
    /** ZSET orderId → time of that latest update, to trim `shopTrack` at retention. */
    shopTrackIndex: (s: ShopRef) => shop(s, "track-idx"),
    /** HASH of bookkeeping: `v` the state version, `sc`/`sw` the expiry sweep's cursor and last step (ShopStore: `chatCompactedTo`). */
    shopMeta: (s: ShopRef) => shop(s, "meta"),
    /** HASH entity key (`o:`, `a:`, `c:` + id) → stored record (engine/incremental/codec.ts). */
    entities: (s: ShopRef) => shop(s, "ent"),
    /**
     * HASH of the shop's seen event ids (engine/incremental/seen-ids.ts): fingerprints with the day of their
     * event time, packed into buckets by linear hashing (layout in lua/commitEntities.lua).
     */
    seen: (s: ShopRef) => shop(s, "seen"),
    /** ZSET entity key → the next moment its contribution changes by itself (ms); expiry is found by a sweep. */
    timers: (s: ShopRef) => shop(s, "tim"),
    /** ZSET `<metric>|<day>|<extra>|<entity key>` → deadline (ms): the shop's pending items. */
    pending: (s: ShopRef) => shop(s, "pend"),
    /** HASH `<metric>|<field>` → integer: aggregates of `now` windows. */
    current: (s: ShopRef) => shop(s, "cur"),
    /** HASH `<metric>|<field>` → integer: one Asia/Shanghai day's aggregates (day number = days since 1970-01-01 there). */
    day: (s: ShopRef, day: number) => shop(s, `day:${day}`),
    /** HASH alert identity → JSON of its last state (status, severity, seq). */
    shopAlerts: (s: ShopRef) => shop(s, "alerts"),
    /**
     * ZSET `platform:shopId` → next deadline (ms), one per partition of `sg.events`: which shops the ticker of
     * the partition's owner must re-evaluate, and when. A partition that moves takes its timers with it.
     */
    due: (partition: number) => `${prefix}:due:${partition}`,
    /** Pattern matching every key under this prefix (replay cleanup). */
    all: () => `${prefix}:*`,
  };
}
export type Keys = ReturnType<typeof createKeys>;
