import type { Redis } from "@sg/redis";
import { ReconciliationReport, reconciliationKeys } from "../reconciliation.js";

/** Reads the reconciler's reports (for the gateway's API and the board). A report that does not parse is skipped. */
export function createReconciliationReader(redis: Redis, keyPrefix: string) {
  const keys = reconciliationKeys(keyPrefix);
  const parse = (raw: string | null): ReconciliationReport | null => {
    if (raw === null) return null;
    try {
      const r = ReconciliationReport.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null; // not JSON: skipped like a record of another schema
    }
  };
  return {
    async report(shop: { platform: string; shopId: string }, day: string): Promise<ReconciliationReport | null> {
      return parse(await redis.hget(keys.reports(shop), day));
    },
    /** The latest day with a report (or null). */
    async latest(shop: { platform: string; shopId: string }): Promise<ReconciliationReport | null> {
      const days = (await redis.hkeys(keys.reports(shop))).sort();
      const day = days[days.length - 1];
      return day === undefined ? null : parse(await redis.hget(keys.reports(shop), day));
    },
  };
}
export type ReconciliationReader = ReturnType<typeof createReconciliationReader>;
