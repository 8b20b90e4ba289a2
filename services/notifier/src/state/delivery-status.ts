import { FAILURES_KEPT, type DeliveryFailure, type DeliveryStatus } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { Keys } from "../keys.js";

/** Writes what the gateway's API reads (`createDeliveryStatusReader` of @sg/events/runtime). */

export function createDeliveryStatusStore(redis: Redis, keys: Keys) {
  return {
    async record(status: DeliveryStatus): Promise<void> {
      await redis.hset(keys.deliveries(), status.receiver, JSON.stringify(status));
    },
    async fail(failure: DeliveryFailure): Promise<void> {
      await redis
        .multi()
        .hset(keys.deliveries(), failure.receiver, JSON.stringify({ ...failure, alerts: undefined }))
        .lpush(keys.failures(), JSON.stringify(failure))
        .ltrim(keys.failures(), 0, FAILURES_KEPT - 1)
        .exec();
    },
  };
}
