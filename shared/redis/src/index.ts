// The one place that builds ioredis clients (architecture.md, "The same clients everywhere").
import type { Cluster, Redis as RedisNode } from "ioredis";

export { Cluster } from "ioredis";
export type { ChainableCommander, RedisOptions } from "ioredis";
export { createRedis, isCluster, type RedisClient } from "./client.js";
/**
 * `Redis` is the same type as `RedisClient` (one node or a cluster), under the name every module already
 * imports, so that all of them accept a cluster client; the single-node class is `RedisNode`.
 */
export type Redis = RedisNode | Cluster;
export type { RedisNode };
export { parseRedisUrl, RedisUrlError, type RedisTarget } from "./url.js";
export { keySlot, hashTagOf, hashTagForSlot, crc16, SLOTS } from "./slot.js";
export { pipelineByNode, execByNode, type NodeCall, type PipelineReply } from "./by-node.js";
export { defineLuaScripts, callLuaScript, queueLuaScript, type LuaScriptInfo } from "./lua.js";
export { parseLuaContract, LuaHeaderError, type LuaContract } from "./lua-header.js";
export { deleteByPrefix } from "./prefix.js";
export { listenForRedisErrors, describeRedisError, REDIS_ERROR_REPORT_MS, type RedisErrorHandler } from "./errors.js";
export {
  waitForReplicas,
  createReplicaGate,
  ReplicaAckError,
  type ReplicaAck,
  type ReplicaGate,
  type ReplicaMark,
  type WaitOptions,
} from "./replicas.js";
