import type { Redis } from "@sg/redis";
import { createKeys, type Keys } from "../keys.js";

/** The last delivery attempt to a receiver (alerts.md: a permanent error "remains visible through the API"). */
export interface DeliveryStatus {
  receiver: string;
  channel: string;
  outcome: "ok" | "retryable" | "permanent" | "too_large" | "retry_exhausted";
  /** The channel's own code, e.g. DingTalk `310000`, Slack `no_service`, `http_503`, `timeout`. */
  code: string;
  at: string;
  notificationIds: string[];
}

export interface DeliveryFailure extends DeliveryStatus {
  /** Identities (`alertKey`) of the alerts the failed message carried. */
  alerts: string[];
}

const FAILURES_KEPT = 200;

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

/** For the gateway's API: the last attempt per receiver, and recent failures, newest first. */
export function createDeliveryStatusReader(redis: Redis, keyPrefix: string) {
  const keys = createKeys(keyPrefix);
  return {
    async receivers(): Promise<Record<string, DeliveryStatus>> {
      const raw = await redis.hgetall(keys.deliveries());
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as DeliveryStatus]));
    },
    async failures(limit = 50): Promise<DeliveryFailure[]> {
      const raw = await redis.lrange(keys.failures(), 0, Math.max(0, limit - 1));
      return raw.map((v) => JSON.parse(v) as DeliveryFailure);
    },
  };
}
export type DeliveryStatusReader = ReturnType<typeof createDeliveryStatusReader>;
