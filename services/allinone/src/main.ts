import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, loadScoreguardConfig } from "@sg/config";
import { startGatewayService } from "@sg/gateway";
import { resolveLocalInfra } from "@sg/infra";
import { createLogger } from "@sg/logger";
import { createRedis, deleteByPrefix } from "@sg/redis";
import { startNotifierService } from "@sg/notifier";
import { startProcessorService } from "@sg/processor";
import { startReconcilerService } from "@sg/reconciler";
import { createRegistry, installProcessGuards, SHUTDOWN_TIMEOUT_MS } from "@sg/telemetry";
import { loadEnv } from "./env.js";
import { topicsExist } from "./topics-ready.js";
import { DEMO_SHOPS, startDemo } from "./demo/demo-traffic.js";
import { withDemoScores } from "./demo/demo-scores.js";
import { watchShops } from "./demo/demo-watch.js";
import { localToken } from "./local-token.js";

/**
 * `npm start`: gateway, processor and notifier in one process, on local Kafka and Redis unless
 * KAFKA_BROKERS / REDIS_URL say otherwise. Ctrl-C stops intake first, then processing, then delivery.
 */
const say = (m: string) => process.stderr.write(`scoreguard: ${m}\n`);

async function main(): Promise<void> {
  const env = loadEnv();
  const demo = env.SCOREGUARD_DEMO || process.argv.slice(2).includes("--demo");
  let config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
  if (env.SCOREGUARD_CONFIG) say(`configuration from ${env.SCOREGUARD_CONFIG}`);
  else say("no SCOREGUARD_CONFIG: default configuration (a local API token, no receivers)");
  // First run: with no configuration (or for the demo), one local token that sees every shop.
  const local =
    !env.SCOREGUARD_CONFIG || demo
      ? localToken(env.SCOREGUARD_LOCAL_TOKEN_FILE ? pathToFileURL(resolve(env.SCOREGUARD_LOCAL_TOKEN_FILE)) : undefined)
      : undefined;
  if (local !== undefined) config = { ...config, apiTokens: [...config.apiTokens, { token: local.token, shops: ["*"] }] };
  // The demo grades its Douyin shop as the platform does today, with the sample score parameters.
  if (demo) config = withDemoScores(config);
  // The demo runs in topics and keys of its own, emptied at start, so it shows the same story every time
  // and never mixes with real shops.
  const keyPrefix = demo ? `${env.KEY_PREFIX}-demo` : env.KEY_PREFIX;
  const topicPrefix = demo ? `${env.TOPIC_PREFIX}demo.` : env.TOPIC_PREFIX;
  say("looking for Kafka and Redis…");
  const infra = await resolveLocalInfra({
    log: (m) => say(m),
    env: { KAFKA_BROKERS: env.KAFKA_BROKERS?.join(","), REDIS_URL: env.REDIS_URL },
  });
  for (const n of infra.notes) say(n);
  const registry = createRegistry();
  installProcessGuards({ registry, log: createLogger({ name: "scoreguard", level: env.LOG_LEVEL }) });
  const replicaAck = { minReplicas: env.REDIS_MIN_REPLICAS_ACK, timeoutMs: env.REDIS_REPLICA_ACK_TIMEOUT_MS };
  const common = { brokers: infra.brokers, redisUrl: infra.redisUrl, topicPrefix, keyPrefix };
  if (demo) {
    const r = createRedis(infra.redisUrl);
    try {
      say(`demo: cleared ${await deleteByPrefix(r, keyPrefix)} keys of the previous demo (prefix ${keyPrefix}:)`);
    } finally {
      r.disconnect();
    }
  }

  const processor = await startProcessorService({
    ...common,
    // Consumer groups named after the topic prefix: two all-in-ones on one broker with different prefixes (the
    // demo beside `npm start`, parallel tests) must not share a group, or Kafka hands one the other's partitions
    // and neither sees its own events.
    groupId: `${topicPrefix}sg-processor`,
    eventsPartitions: env.EVENTS_PARTITIONS,
    evalIntervalMs: env.EVAL_INTERVAL_MS,
    exportShopLimit: env.EXPORT_SHOP_LIMIT,
    aggregateCacheBytes: env.AGGREGATE_CACHE_MB * 1024 * 1024,
    partitionsConcurrently: env.PROCESSOR_PARTITIONS_AT_ONCE,
    replicaAck,
    config,
    log: createLogger({ name: "processor", level: env.LOG_LEVEL }),
    registry,
  });
  const notifier = await startNotifierService({
    ...common,
    consumerGroup: `${topicPrefix}sg-notifier`,
    tickMs: env.NOTIFIER_TICK_MS,
    replicaAck,
    config,
    ...(env.GRAFANA_URL ? { grafanaUrl: env.GRAFANA_URL } : {}),
    logger: createLogger({ name: "notifier", level: env.LOG_LEVEL }),
    registry,
  });
  const reconciler = await startReconcilerService({
    ...common,
    config: config.reconciliation,
    logger: createLogger({ name: "reconciler", level: env.LOG_LEVEL }),
    registry,
    tickMs: env.RECONCILER_TICK_MS,
  });
  const gateway = await startGatewayService({
    ...common,
    eventsPartitions: env.EVENTS_PARTITIONS,
    port: env.GATEWAY_PORT,
    host: env.HOST,
    opsPort: env.OPS_PORT,
    opsHost: env.OPS_HOST,
    config,
    connections: {
      headersTimeoutMs: env.GATEWAY_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.GATEWAY_REQUEST_TIMEOUT_MS,
      maxConnectionsPerSource: env.GATEWAY_MAX_CONNECTIONS_PER_SOURCE,
    },
    produceTimeoutMs: env.PRODUCE_TIMEOUT_MS,
    logger: createLogger({ name: "gateway", level: env.LOG_LEVEL }),
    registry,
    extraReady: async () => (await processor.ready()) && (await notifier.ready()) && (await topicsExist(processor.kafka, topicPrefix)),
  });

  say(`Kafka   ${infra.brokers.join(",")}`);
  say(`Redis   ${infra.redisUrl.replace(/\/\/[^@/]*@/, "//***@")}`);
  say(
    `gateway http://${shownHost(env.HOST)}:${gateway.port}  (POST /v1/events, /webhooks/{douyin,kuaishou,kuaidi100}, GET /v1/shops/{platform}/{shopId}/metrics, /openapi.json)`,
  );
  say(`ops     http://${shownHost(env.OPS_HOST)}:${gateway.opsPort}/metrics  /livez  /readyz`);
  const base = `http://127.0.0.1:${gateway.port}`;
  say(`board   ${base}/board`);
  if (local !== undefined) {
    // Printed on the console on purpose (the newcomer needs it); it never goes through the services' loggers.
    say(`local API token (every shop; ${local.created ? "created" : "kept"} in ${local.path}):`);
    say(`        ${local.token}`);
  }
  let stopDemo = () => {};
  if (demo && local !== undefined) {
    const token = local.token;
    const post = async (events: object[]) => {
      const res = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(events),
      });
      if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    };
    const d = startDemo({ post, say: (m) => say(`demo: ${m}`), run: Date.now().toString(36) });
    const w = watchShops({ base, token, shops: DEMO_SHOPS, say: (m) => say(`board: ${m}`) });
    stopDemo = () => {
      d.stop();
      w.stop();
    };
    say("demo: feeding three shops (kuaishou:ks-flower-shop, douyin:dy-tea-house, pdd:pdd-fruit-farm); open the board and paste the token");
  }
  say("ready. Ctrl-C to stop.");

  let stopping: Promise<void> | undefined;
  // A step that takes long names itself, so a stop cut short by the timeout says which part held it.
  const stopStep = async (name: string, stop: () => Promise<void>) => {
    const slow = setTimeout(() => say(`still stopping the ${name}…`), 3000);
    try {
      await stop();
    } catch (err: unknown) {
      say(`${name} stop: ${String(err)}`);
    } finally {
      clearTimeout(slow);
    }
  };
  const shutdown = (signal: string) => {
    if (stopping !== undefined) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    // With Kafka or Redis gone a clean stop could wait forever; nothing acknowledged is lost by exiting.
    setTimeout(() => {
      say(`stopping took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    stopping = (async () => {
      say(`${signal}: stopping intake, finishing the batch in hand, flushing alerts…`);
      stopDemo();
      await stopStep("gateway", () => gateway.stop());
      await stopStep("processor", () => processor.stop());
      await stopStep("reconciler", () => reconciler.stop());
      await stopStep("notifier", () => notifier.stop());
      say("stopped.");
      process.exit(0);
    })();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** A wildcard address is not one to browse to; show loopback for it. */
function shownHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) say(`configuration error:\n${err.message}`);
  else say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
