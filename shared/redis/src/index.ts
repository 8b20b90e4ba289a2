// The one place that builds ioredis clients (architecture.md, "The same clients everywhere").
import { Redis, type RedisOptions } from "ioredis";
import { listenForRedisErrors, type RedisErrorHandler } from "./errors.js";

export { Redis, Cluster } from "ioredis";
export type { ChainableCommander, RedisOptions } from "ioredis";
export { defineLuaScripts, callLuaScript, queueLuaScript, type LuaScriptInfo } from "./lua.js";
export { parseLuaContract, LuaHeaderError, type LuaContract } from "./lua-header.js";

/**
 * A client for `redis://[user:pass@]host:port[/db]`. Options override the defaults below. Every client has an
 * `error` listener (`onError`, by default a throttled line on stderr with no secret in it), so a Redis outage
 * or a refused password is reported and the client reconnects, instead of an uncaught exception.
 */
export function createRedis(url: string, options: RedisOptions = {}, onError?: RedisErrorHandler): Redis {
  // ioredis retries a command through reconnects 20 times by default; 3 surfaces an outage faster.
  const client = new Redis(url, { maxRetriesPerRequest: 3, ...options });
  listenForRedisErrors(client, onError);
  return client;
}
export { deleteByPrefix } from "./prefix.js";
export { listenForRedisErrors, describeRedisError, REDIS_ERROR_REPORT_MS, type RedisErrorHandler } from "./errors.js";
