import type { ScoreguardConfig } from "@sg/config";
import { createProjectionReader } from "./snapshots.js";
import { topicNames } from "@sg/events";
import { createKafka, createProducer, type Kafka, type Producer } from "@sg/kafka";
import type { Logger } from "@sg/logger";
import {
  createDayEndReader,
  createEvidenceReader,
  createDeliveryStatusReader,
  createReconciliationReader,
  createSilenceStore,
  ensurePipelineTopics,
} from "@sg/events/runtime";
import { storeImportedFigures } from "@sg/figures";
import { createRedis, type Redis } from "@sg/redis";
import { registerServiceHealth } from "@sg/telemetry";
import type { Registry } from "prom-client";
import { createPddClient, type PddClient } from "./adapters/pdd/pdd.client.js";
import { LOOPBACK, createGateway, type Gateway } from "./gateway.js";
import type { ConnectionLimits } from "./http/connection-guard.js";
import { createGatewayMetrics } from "./http/gateway-metrics.js";
import { createSnapshotHub } from "./board/snapshot-hub.js";
import type { RateLimit } from "./http/rate-limit.js";
import { createKafkaEventSink } from "./kafka-sink.js";
import { createRedisNewShopQuota } from "./quota/new-shop-quota.js";
import type { GatewayConfig } from "./ports.js";

/** The gateway's view of the configuration file (alerts.md "Configuration"). */
export function toGatewayConfig(config: Pick<ScoreguardConfig, "apiTokens" | "platforms" | "silenceLimits">): GatewayConfig {
  const p = config.platforms;
  return {
    apiTokens: config.apiTokens,
    ...(config.silenceLimits === undefined ? {} : { silenceLimits: config.silenceLimits }),
    platforms: {
      ...(p.douyin === undefined ? {} : { douyin: p.douyin }),
      ...(p.kuaishou === undefined
        ? {}
        : {
            kuaishou: {
              messageSecret: p.kuaishou.messageSecret,
              ...(p.kuaishou.appKey === undefined ? {} : { appKey: p.kuaishou.appKey }),
            },
          }),
      ...(p.pdd === undefined ? {} : { pdd: p.pdd }),
      // 快递100 pushes are signed only when the subscription gave a salt; without one the webhook stays off.
      ...(p.kuaidi100?.salt === undefined ? {} : { kuaidi100: { salt: p.kuaidi100.salt } }),
    },
  };
}

export interface GatewayServiceOptions {
  brokers: string[];
  redisUrl: string;
  topicPrefix: string;
  keyPrefix: string;
  eventsPartitions: number;
  /** The public port (intake, webhooks, read API). */
  port: number;
  /** Default 127.0.0.1: exposing the gateway is an explicit choice. */
  host?: string;
  /** The ops port (`/metrics`, `/livez`, `/readyz`); 0 picks a free one. */
  opsPort: number;
  /** Default 127.0.0.1: `/metrics` carries per-shop series. */
  opsHost?: string;
  /** Request timeouts and the per-source connection cap. */
  connections?: Partial<ConnectionLimits>;
  /** Longest wait for Kafka's acknowledgement before answering 503; default 5000. */
  produceTimeoutMs?: number;
  config: Pick<ScoreguardConfig, "apiTokens" | "platforms" | "shops">;
  logger: Logger;
  registry: Registry;
  tokenRate?: RateLimit;
  sourceRate?: RateLimit;
  /** Failed authentications per source address before 429. */
  authFailureRate?: RateLimit;
  trustProxy?: boolean;
  /** More readiness to report on /readyz (the all-in-one adds its processor and notifier). */
  extraReady?: () => Promise<boolean>;
}

export interface GatewayService {
  gateway: Gateway;
  port: number;
  /** The bound ops port. */
  opsPort: number;
  kafka: Kafka;
  producer: Producer;
  redis: Redis;
  pdd: PddClient | undefined;
  ready(): Promise<boolean>;
  /** Graceful: stop intake, let in-flight requests and PDD batches finish (and ack), flush the producer, close. Idempotent. */
  stop(): Promise<void>;
}

/** The gateway as a running service: topics ensured, clients built, listening. Used by main.ts and the all-in-one. */
export async function startGatewayService(o: GatewayServiceOptions): Promise<GatewayService> {
  const log = o.logger;
  const topics = topicNames(o.topicPrefix);
  const kafka = createKafka({ brokers: o.brokers, clientId: "sg-gateway", logger: log.child({ component: "kafkajs" }) });
  await ensurePipelineTopics(kafka, topics, o.eventsPartitions, ["events", "dlq"]);
  const producer = createProducer(kafka);
  let producerUp = false;
  producer.on(producer.events.CONNECT, () => {
    producerUp = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    producerUp = false;
  });
  await producer.connect();
  producerUp = true;
  const redis = createRedis(o.redisUrl, {}, (err, info) => log.warn({ err, ...info }, "redis connection error; reconnecting"));

  const config = toGatewayConfig(o.config);
  const metrics = createGatewayMetrics(o.registry);
  const sink = createKafkaEventSink(producer, topics, {
    produceSeconds: metrics.produceSeconds,
    ...(o.produceTimeoutMs === undefined ? {} : { timeoutMs: o.produceTimeoutMs }),
    // Only the error's name: kafkajs errors can carry broker addresses, which are not secrets but are noise here.
    onLateFailure: (err) =>
      log.warn({ error: err instanceof Error ? err.name : typeof err }, "a produce already answered 503 by its timeout failed later"),
  });
  // Ready when it can take and store requests. The Pinduoduo link is not part of it (an outage there must not
  // take the HTTP intake out of rotation); it shows in sg_gateway_pdd_connected instead.
  const ready = async (): Promise<boolean> => producerUp && redis.status === "ready" && ((await o.extraReady?.()) ?? true);
  // The gateway's own health on its own: the all-in-one's extraReady is the other services', reported by them.
  registerServiceHealth(o.registry, "gateway", {
    ready: async () => producerUp && redis.status === "ready",
    redis: () => redis.status === "ready",
  });
  const pddCreds = config.platforms.pdd;
  const pdd =
    pddCreds === undefined
      ? undefined
      : createPddClient({ url: pddCreds.url, creds: pddCreds, sink, metrics, logger: log.child({ component: "pdd" }) });
  const hub = createSnapshotHub({ redis, keyPrefix: o.keyPrefix, overrides: o.config.shops, logger: log });
  const gateway = createGateway({
    config,
    sink,
    registry: o.registry,
    metrics,
    logger: log,
    snapshots: createProjectionReader(redis, o.keyPrefix),
    silences: createSilenceStore(redis, o.keyPrefix),
    deliveries: createDeliveryStatusReader(redis, o.keyPrefix),
    newShops: createRedisNewShopQuota({ redis, keyPrefix: o.keyPrefix }),
    ready,
    board: { hub },
    history: createDayEndReader(redis, o.keyPrefix),
    evidence: createEvidenceReader(redis, o.keyPrefix),
    reconciliation: {
      report: createReconciliationReader(redis, o.keyPrefix).report,
      importFigures: (figures, nowMs) => storeImportedFigures(redis, o.keyPrefix, figures, nowMs),
    },
    ...(o.tokenRate === undefined ? {} : { tokenRate: o.tokenRate }),
    ...(o.sourceRate === undefined ? {} : { sourceRate: o.sourceRate }),
    ...(o.authFailureRate === undefined ? {} : { authFailureRate: o.authFailureRate }),
    ...(o.trustProxy === undefined ? {} : { trustProxy: o.trustProxy }),
    ...(o.connections === undefined ? {} : { connections: o.connections }),
  });

  pdd?.start();
  const opsPort = await gateway.listenOps(o.opsPort, o.opsHost ?? LOOPBACK);
  const port = await gateway.listen(o.port, o.host ?? LOOPBACK);

  let stopped: Promise<void> | undefined;
  return {
    gateway,
    port,
    opsPort,
    kafka,
    producer,
    redis,
    pdd,
    ready,
    stop() {
      stopped ??= (async () => {
        gateway.stopIntake();
        await pdd?.stop();
        await gateway.close();
        await hub.close();
        await producer.disconnect();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return stopped;
    },
  };
}
