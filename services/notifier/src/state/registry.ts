import { AlertRecord, alertKey, alertSlot } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { Keys } from "../keys.js";
import { scripts, type ApplyResult } from "./scripts.js";

/** Retention of the registry (architecture.md: 31 days), refreshed on every write. */
export const REGISTRY_TTL_MS = 31 * 86_400_000;

/**
 * The latest record of every alert identity, per shop, in the shop's slot. Feeds `seq` dedup,
 * inhibition (same shop and metric), and the ticker's repair of groups that missed an update.
 */
export function createAlertRegistry(redis: Redis, keys: Keys) {
  return {
    async apply(rec: AlertRecord): Promise<ApplyResult> {
      return scripts.applyAlert(redis, keys.shopAlerts(rec), alertSlot(rec), rec.seq, JSON.stringify(rec), REGISTRY_TTL_MS);
    },

    /** The shop's latest records by `alertKey`. */
    async shop(platform: string, shopId: string): Promise<Map<string, AlertRecord>> {
      const raw = await redis.hgetall(keys.shopAlerts({ platform, shopId }));
      const out = new Map<string, AlertRecord>();
      for (const json of Object.values(raw)) {
        const parsed = AlertRecord.safeParse(JSON.parse(json));
        if (parsed.success) out.set(alertKey(parsed.data), parsed.data);
      }
      return out;
    },
  };
}
export type AlertRegistry = ReturnType<typeof createAlertRegistry>;
