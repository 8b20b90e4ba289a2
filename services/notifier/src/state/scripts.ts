import { callLuaScript, defineLuaScripts, type Redis } from "@sg/redis";

/**
 * Typed wrappers of the notifier's Lua scripts (src/lua/*.lua, one per file with its contract header),
 * registered once per client with `defineLuaScripts` (style.md). Nobody else calls them by name.
 */
const registered = new WeakSet<Redis>();

export function registerScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  defineLuaScripts(redis, new URL("../lua/", import.meta.url));
  registered.add(redis);
}

export type CasResult = "written" | "conflict";
export type ApplyResult = "applied" | "duplicate" | "stale";

export const scripts = {
  async casGroup(redis: Redis, key: string, expectedToken: string, newToken: string, stateJson: string, ttlMs: number): Promise<CasResult> {
    const r = await callLuaScript<number>(redis, "casGroup", [key], [expectedToken, newToken, stateJson, ttlMs]);
    return r === 1 ? "written" : "conflict";
  },

  async applyAlert(redis: Redis, key: string, field: string, seq: number, json: string, ttlMs: number): Promise<ApplyResult> {
    const r = await callLuaScript<number>(redis, "applyAlert", [key], [field, seq, json, ttlMs]);
    return r === 1 ? "applied" : r === 0 ? "duplicate" : "stale";
  },

  /** 0 when a token was taken from every bucket, else ms to wait. */
  async takeToken(
    redis: Redis,
    key: string,
    now: number,
    buckets: ReadonlyArray<{ capacity: number; refillPerSec: number }>,
  ): Promise<number> {
    const args = buckets.flatMap((b) => [b.capacity, b.refillPerSec]);
    return callLuaScript<number>(redis, "takeToken", [key], [now, buckets.length, ...args]);
  },

  async releaseLease(redis: Redis, key: string, token: string): Promise<boolean> {
    return (await callLuaScript<number>(redis, "releaseLease", [key], [token])) === 1;
  },

  async extendLease(redis: Redis, key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await callLuaScript<number>(redis, "extendLease", [key], [token, ttlMs])) === 1;
  },
};
