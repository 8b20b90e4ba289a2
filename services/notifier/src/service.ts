import type { ScoreguardConfig } from "@sg/config";
import { topicNames } from "@sg/events";
import { ensurePipelineTopics } from "@sg/events/runtime";
import { createKafka, type Kafka } from "@sg/kafka";
import type { Logger } from "@sg/logger";
import { createRedis, createReplicaGate, type Redis, type ReplicaAck } from "@sg/redis";
import { registerServiceHealth } from "@sg/telemetry";
import type { Registry } from "prom-client";
import { createNotifier, type Notifier } from "./notifier.js";

export interface NotifierServiceOptions {
  brokers: string[];
  redisUrl: string;
  topicPrefix: string;
  keyPrefix: string;
  consumerGroup: string;
  tickMs: number;
  grafanaUrl?: string;
  /** REDIS_MIN_REPLICAS_ACK and its timeout; unset or 0 replicas: no wait. */
  replicaAck?: ReplicaAck;
  config: ScoreguardConfig;
  logger: Logger;
  registry: Registry;
}

export interface NotifierService {
  notifier: Notifier;
  kafka: Kafka;
  redis: Redis;
  ready(): Promise<boolean>;
  stop(): Promise<void>;
}

/** The notifier as a running service: topic ensured, clients built, wall clock. Used by main.ts and the all-in-one. */
export async function startNotifierService(o: NotifierServiceOptions): Promise<NotifierService> {
  const kafka = createKafka({ brokers: o.brokers, clientId: "sg-notifier", logger: o.logger.child({ component: "kafkajs" }) });
  const redis = createRedis(o.redisUrl, {}, (err, info) => o.logger.warn({ err, ...info }, "redis connection error; reconnecting"));
  // Same partition count as the processor creates it with; an existing topic is left as it is.
  await ensurePipelineTopics(kafka, topicNames(o.topicPrefix), undefined, ["alerts"]);
  const replicas =
    o.replicaAck && o.replicaAck.minReplicas > 0
      ? createReplicaGate(redis, o.replicaAck, {
          keyPrefix: o.keyPrefix,
          onFailure: (err) => o.logger.warn({ err }, "redis writes did not reach the replicas; not acknowledged, will be retried"),
          onRecovery: (failures) => o.logger.info({ failures }, "redis writes reach the replicas again"),
        })
      : undefined;
  const notifier = createNotifier({
    config: o.config,
    redis,
    kafka,
    logger: o.logger,
    keyPrefix: o.keyPrefix,
    topicPrefix: o.topicPrefix,
    consumerGroup: o.consumerGroup,
    registry: o.registry,
    tickMs: o.tickMs,
    ...(replicas ? { replicas } : {}),
    ...(o.grafanaUrl === undefined ? {} : { grafanaUrl: o.grafanaUrl }),
  });
  await notifier.start();
  registerServiceHealth(o.registry, "notifier", { ready: () => notifier.ready(), redis: () => redis.status === "ready" });
  let stopped: Promise<void> | undefined;
  return {
    notifier,
    kafka,
    redis,
    ready: () => notifier.ready(),
    stop() {
      stopped ??= notifier.stop().finally(() => redis.disconnect());
      return stopped;
    },
  };
}
