import { Reconciliation } from "@sg/config";
import { topicNames } from "@sg/events";
import { createKafka, createProducer } from "@sg/kafka";
import type { Logger } from "@sg/logger";
import { createRedis } from "@sg/redis";
import type { Registry } from "prom-client";
import { configuredSources, createReconciler, type Reconciler } from "./reconciler.js";
import { createReconcilerMetrics } from "./telemetry.js";

export interface ReconcilerServiceOptions {
  brokers: string[];
  redisUrl: string;
  topicPrefix: string;
  keyPrefix: string;
  /** The configuration's `reconciliation` section; absent: imports are still compared, nothing is pulled. */
  config: Reconciliation | undefined;
  logger: Logger;
  registry: Registry;
  tickMs?: number;
}

export interface ReconcilerService {
  reconciler: Reconciler;
  /** Ready while its Redis and its producer (for drift alerts) are connected. */
  ready(): Promise<boolean>;
  stop(): Promise<void>;
}

/** The reconciler as a running service: its own Redis and producer (for `reconciliation_drift` on sg.alerts), its loop. */
export async function startReconcilerService(o: ReconcilerServiceOptions): Promise<ReconcilerService> {
  const config = o.config ?? Reconciliation.parse({});
  const redis = createRedis(o.redisUrl, {}, (err, info) => o.logger.warn({ err, ...info }, "redis connection error; reconnecting"));
  const kafka = createKafka({ brokers: o.brokers, clientId: "sg-reconciler", logger: o.logger.child({ component: "kafkajs" }) });
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
  const reconciler = createReconciler({
    redis,
    keyPrefix: o.keyPrefix,
    config,
    clock: Date.now,
    log: o.logger,
    metrics: createReconcilerMetrics(o.registry),
    alerts: { producer, topic: topicNames(o.topicPrefix).alerts },
    sources: configuredSources(config),
    ...(o.tickMs === undefined ? {} : { tickMs: o.tickMs }),
  });
  reconciler.start();
  const platforms = [config.douyin ? "douyin" : undefined, config.kuaishou ? "kuaishou" : undefined].filter(Boolean);
  o.logger.info({ pulls: platforms, imports: true }, "reconciler started");
  let stopped: Promise<void> | undefined;
  return {
    reconciler,
    ready: async () => producerUp && redis.status === "ready",
    stop() {
      stopped ??= (async () => {
        await reconciler.stop();
        await producer.disconnect();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return stopped;
    },
  };
}
