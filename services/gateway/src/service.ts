import type { ScoreguardConfig } from "@sg/config";
import { topicNames } from "@sg/events";
import { createKafka, createProducer, type Kafka, type Producer } from "@sg/kafka";
import type { Logger } from "@sg/logger";
import { createDeliveryStatusReader, createSilenceStore, ensurePipelineTopics } from "@sg/events/runtime";
import { createSnapshotReader } from "@sg/processor";
import { createRedis, type Redis } from "@sg/redis";
import type { Registry } from "prom-client";
import { createPddClient, type PddClient } from "./adapters/pdd/pdd.client.js";
import { createGateway, type Gateway } from "./gateway.js";
import { createGatewayMetrics } from "./http/gateway-metrics.js";
import type { RateLimit } from "./http/rate-limit.js";
import { createKafkaEventSink } from "./kafka-sink.js";
import type { GatewayConfig } from "./ports.js";

/** The gateway's view of the configuration file (alerts.md "Configuration"). */
export function toGatewayConfig(config: Pick<ScoreguardConfig, "apiTokens" | "platforms">): GatewayConfig {
  const p = config.platforms;
  return {
    apiTokens: config.apiTokens,
    platforms: {
      ...(p.douyin === undefined ? {} : { douyin: p.douyin }),
      ...(p.kuaishou === undefined ? {} : { kuaishou: { messageSecret: p.kuaishou.messageSecret, ...(p.kuaishou.appKey === undefined ? {} : { appKey: p.kuaishou.appKey }) } }),
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
  port: number;
  host?: string;
  config: Pick<ScoreguardConfig, "apiTokens" | "platforms" | "shops">;
  logger: Logger;
  registry: Registry;
  tokenRate?: RateLimit;
  sourceRate?: RateLimit;
  trustProxy?: boolean;
  /** More readiness to report on /readyz (the all-in-one adds its processor and notifier). */
  extraReady?: () => Promise<boolean>;
}

export interface GatewayService {
  gateway: Gateway;
  port: number;
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
  const kafka = createKafka({ brokers: o.brokers, clientId: "sg-gateway" });
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
  const redis = createRedis(o.redisUrl);

  const config = toGatewayConfig(o.config);
  const sink = createKafkaEventSink(producer, topics);
  const metrics = createGatewayMetrics(o.registry);
  // Ready when it can take and store requests. The Pinduoduo link is not part of it (an outage there must not
  // take the HTTP intake out of rotation); it shows in sg_gateway_pdd_connected instead.
  const ready = async (): Promise<boolean> => producerUp && redis.status === "ready" && ((await o.extraReady?.()) ?? true);
  const pddCreds = config.platforms.pdd;
  const pdd =
    pddCreds === undefined
      ? undefined
      : createPddClient({ url: pddCreds.url, creds: pddCreds, sink, metrics, logger: log.child({ component: "pdd" }) });
  const gateway = createGateway({
    config,
    sink,
    registry: o.registry,
    metrics,
    logger: log,
    snapshots: createSnapshotReader({ redis, keyPrefix: o.keyPrefix, config: o.config }),
    silences: createSilenceStore(redis, o.keyPrefix),
    deliveries: createDeliveryStatusReader(redis, o.keyPrefix),
    ready,
    ...(o.tokenRate === undefined ? {} : { tokenRate: o.tokenRate }),
    ...(o.sourceRate === undefined ? {} : { sourceRate: o.sourceRate }),
    ...(o.trustProxy === undefined ? {} : { trustProxy: o.trustProxy }),
  });

  pdd?.start();
  const port = await gateway.listen(o.port, o.host);

  let stopped: Promise<void> | undefined;
  return {
    gateway,
    port,
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
        await producer.disconnect();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return stopped;
    },
  };
}
