import type { Redis } from "@sg/redis";
import { DeliveryFailure, DeliveryStatus } from "../delivery-status.js";
import { sharedKeys } from "../redis-keys.js";

/**
 * For the gateway's API: the last attempt per receiver, and recent failures, newest first, as the notifier
 * wrote them. A record that no longer parses (a schema change) is skipped, not passed on.
 */
export function createDeliveryStatusReader(redis: Redis, keyPrefix: string) {
  const keys = sharedKeys(keyPrefix);
  return {
    async receivers(): Promise<Record<string, DeliveryStatus>> {
      const raw = await redis.hgetall(keys.deliveries());
      const out: Record<string, DeliveryStatus> = {};
      for (const [k, v] of Object.entries(raw)) {
        const parsed = DeliveryStatus.safeParse(JSON.parse(v));
        if (parsed.success) out[k] = parsed.data;
      }
      return out;
    },
    async failures(limit = 50): Promise<DeliveryFailure[]> {
      const raw = await redis.lrange(keys.failures(), 0, Math.max(0, limit - 1));
      return raw.flatMap((v) => {
        const parsed = DeliveryFailure.safeParse(JSON.parse(v));
        return parsed.success ? [parsed.data] : [];
      });
    },
  };
}
export type DeliveryStatusReader = ReturnType<typeof createDeliveryStatusReader>;
