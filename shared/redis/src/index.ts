// The one place that builds ioredis clients (architecture.md, "The same clients everywhere").
import { Redis, type RedisOptions } from "ioredis";

export { Redis, Cluster } from "ioredis";
export type { ChainableCommander, RedisOptions } from "ioredis";
export { defineLuaScripts, callLuaScript, queueLuaScript, type LuaScriptInfo } from "./lua.js";
export { parseLuaContract, LuaHeaderError, type LuaContract } from "./lua-header.js";

/** A client for `redis://[user:pass@]host:port[/db]`. Options override the defaults below. */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  // ioredis retries a command through reconnects 20 times by default; 3 surfaces an outage faster.
  return new Redis(url, { maxRetriesPerRequest: 3, ...options });
}
export { deleteByPrefix } from "./prefix.js";
