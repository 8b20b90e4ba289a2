export {
  ensureKafka,
  kafkaAnswers,
  stopKafka,
  warmUpKafka,
  KafkaPortBusyError,
  type EnsureKafkaOptions,
  type KafkaHandle,
} from "./kafka.js";
export { ensureRedis, redisAnswers, redisServerArgs, stopStartedRedisServers, type EnsureRedisOptions, type RedisHandle } from "./redis.js";
export { resolveLocalInfra, type LocalInfra } from "./local.js";
export { ensureRedisCluster, type EnsureRedisClusterOptions, type RedisClusterHandle } from "./redis-cluster.js";
export {
  ensureKafkaCluster,
  kafkaClusterNodes,
  type EnsureKafkaClusterOptions,
  type KafkaClusterHandle,
  type KafkaNode,
} from "./kafka-cluster.js";
export { replicationFor } from "./kafka-dist.js";
