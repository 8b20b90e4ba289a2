import type { Redis } from "@sg/redis";
import { DayEnd, dayEndKeys } from "../day-end.js";

/**
 * Reads ScoreGuard's end-of-day values (day-end.ts) as the processor wrote them: for the reconciler and the
 * read API's metric history. A record that no longer parses (a schema change) is skipped, not passed on.
 */
export function createDayEndReader(redis: Redis, keyPrefix: string) {
  const keys = dayEndKeys(keyPrefix);
  const parse = (raw: string | null): DayEnd | null => {
    if (raw === null) return null;
    try {
      const r = DayEnd.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null; // not JSON: skipped like a record of another schema
    }
  };
  return {
    /** One day's values, or null when that day was not taken (or is past retention). */
    async day(shop: { platform: string; shopId: string }, day: string): Promise<DayEnd | null> {
      return parse(await redis.hget(keys.history(shop), day));
    },
    /** The kept days among `days` (one HMGET: the board reads a month without the whole 90-day hash). */
    async days(shop: { platform: string; shopId: string }, days: readonly string[]): Promise<DayEnd[]> {
      if (days.length === 0) return [];
      const raw = await redis.hmget(keys.history(shop), ...days);
      return raw.flatMap((r) => {
        const v = parse(r);
        return v === null ? [] : [v];
      });
    },
    /** Every kept day from `from` to `to` (inclusive, `YYYY-MM-DD`), oldest first. */
    async range(shop: { platform: string; shopId: string }, from: string, to: string): Promise<DayEnd[]> {
      const all = await redis.hgetall(keys.history(shop));
      return Object.keys(all)
        .filter((d) => d >= from && d <= to)
        .sort()
        .flatMap((d) => {
          const v = parse(all[d]!);
          return v === null ? [] : [v];
        });
    },
  };
}
export type DayEndReader = ReturnType<typeof createDayEndReader>;
