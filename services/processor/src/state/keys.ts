import { shopHashTag } from "@sg/events";

/** A shop as the keys take it: what `shopHashTag` of @sg/events reads (its platform any string, e.g. a test's). */
export type ShopRef = Parameters<typeof shopHashTag>[0];

/**
 * Every Redis key of the processor, from one builder (style.md). All keys of a shop carry the hash tag
 * `{platform:shop}` (`shopHashTag`), so each Lua script touches one slot and runs unchanged on Redis Cluster.
 */

export function createKeys(prefix: string) {
  const shop = (s: ShopRef, part: string) => `${prefix}:${shopHashTag(s)}:${part}`;
  return {
    /** HASH of bookkeeping: `v` the state version, `sc`/`sw` the expiry sweep's cursor and last step. */
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
    /**
     * HASH calendar tag → fingerprint: the deadline extensions and excluded regions the shop's records were
     * computed under (engine/calendar-items.ts), so a changed calendar's old contributions are subtracted exactly.
     */
    calendars: (s: ShopRef) => shop(s, "cal"),
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
