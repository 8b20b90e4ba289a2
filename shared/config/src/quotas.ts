import { z } from "zod";

/**
 * Live entities (records: orders, after-sales, consumers) one shop may hold. About 250 B each in Redis, so
 * the default bounds one shop near 125 MB: far above a busy shop's month (about 30,000 records in the
 * bench), far below what would fill a Redis that serves thousands of shops. Override per shop with
 * `shops[key].liveEntities`.
 */
export const DEFAULT_SHOP_LIVE_ENTITIES = 500_000;

/** Limits that keep one tenant from filling Redis for everyone. */
export const Quotas = z
  .object({
    /** Live entities per shop; an event that would add one past it is dead-lettered with kind `quota`. */
    shopLiveEntities: z.number().int().positive().default(DEFAULT_SHOP_LIVE_ENTITIES),
  })
  .strict();
export type Quotas = z.output<typeof Quotas>;
