import { shopHashTag, shopKey } from "@sg/events";
import { callLuaScript, defineLuaScripts, type RedisClient } from "@sg/redis";
import type { NewShopQuota, QuotaAdmission, ShopRef } from "../ports.js";
import { shanghaiDay } from "./quota-day.js";

/**
 * The per-token quota of new shops per day, in Redis (so every gateway instance counts the same day):
 *
 * - `<prefix>:gateway:{platform:shopId}:known`: a shop the gateway accepted events for, kept while the shop
 *   is active (refreshed on every accepted request, expiring `KNOWN_TTL_SECONDS` after the last one: the
 *   processor's state of a quiet shop is gone by then too). One small key per shop, in the shop's slot.
 * - `<prefix>:gateway:quota:{<token fingerprint>}:new-shops:<day>`: the shops a token created that day
 *   (Asia/Shanghai), at most its limit, expiring two days later (admitNewShops.lua).
 *
 * Redis being unreachable must not stop the intake (events wait in Kafka for the processor): a check that
 * cannot answer within `checkTimeoutMs` admits the request as `unchecked`, counted by the caller.
 */
export const KNOWN_TTL_SECONDS = 32 * 86_400;
const DAY_SET_TTL_SECONDS = 2 * 86_400;

export interface RedisNewShopQuotaOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** Longest wait for Redis before admitting unchecked; default 500 ms. */
  checkTimeoutMs?: number;
}

export function createRedisNewShopQuota(o: RedisNewShopQuotaOptions): NewShopQuota {
  const { redis, keyPrefix } = o;
  const timeoutMs = o.checkTimeoutMs ?? 500;
  defineLuaScripts(redis, new URL("./lua/", import.meta.url));
  const knownKey = (s: ShopRef) => `${keyPrefix}:gateway:${shopHashTag(s)}:known`;
  const dayKey = (token: string, nowMs: number) => `${keyPrefix}:gateway:quota:{${token}}:new-shops:${shanghaiDay(nowMs)}`;

  const withinTimeout = async <T>(work: Promise<T>): Promise<T | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async admit(token, limit, shops, nowMs): Promise<QuotaAdmission> {
      if (shops.length === 0) return { ok: true };
      if (redis.status !== "ready") return { ok: "unchecked" };
      const check = async (): Promise<QuotaAdmission> => {
        const known = await Promise.all(shops.map((s) => redis.exists(knownKey(s))));
        const fresh = shops.filter((_, i) => known[i] === 0);
        if (fresh.length === 0) return { ok: true };
        const [admitted, count] = await callLuaScript<[number, number]>(
          redis,
          "admitNewShops",
          [dayKey(token, nowMs)],
          [limit, DAY_SET_TTL_SECONDS, ...fresh.map(shopKey)],
        );
        return admitted === 1 ? { ok: true } : { ok: false, used: count, fresh };
      };
      try {
        return (await withinTimeout(check())) ?? { ok: "unchecked" };
      } catch {
        return { ok: "unchecked" };
      }
    },
    async remember(shops) {
      if (shops.length === 0 || redis.status !== "ready") return;
      await withinTimeout(Promise.all(shops.map((s) => redis.set(knownKey(s), "1", "EX", KNOWN_TTL_SECONDS))).catch(() => undefined));
    },
  };
}
