/**
 * The all-in-one arrangement for the system bench: gateway, processor and notifier in one process, composed
 * as services/allinone/src/main.ts composes them, but with the consumer groups the environment names
 * (PROCESSOR_GROUP, NOTIFIER_GROUP), so a bench run never joins a real deployment's groups.
 */
import { loadScoreguardConfig } from "@sg/config";
import { startGatewayService } from "@sg/gateway";
import { createLogger } from "@sg/logger";
import { startNotifierService } from "@sg/notifier";
import { startProcessorService } from "@sg/processor";
import { createRegistry } from "@sg/telemetry";

const e = process.env;
const need = (k: string) => {
  const v = e[k];
  if (!v) throw new Error(`allinone-child: ${k} is not set`);
  return v;
};
const config = loadScoreguardConfig(need("SCOREGUARD_CONFIG"));
const registry = createRegistry();
const common = {
  brokers: need("KAFKA_BROKERS").split(","),
  redisUrl: need("REDIS_URL"),
  topicPrefix: need("TOPIC_PREFIX"),
  keyPrefix: need("KEY_PREFIX"),
};
const level = "error";
const processor = await startProcessorService({
  ...common,
  groupId: need("PROCESSOR_GROUP"),
  eventsPartitions: Number(need("EVENTS_PARTITIONS")),
  evalIntervalMs: 250,
  exportShopLimit: 1000,
  partitionsConcurrently: Number(e.PROCESSOR_PARTITIONS_AT_ONCE ?? 1),
  config,
  log: createLogger({ name: "processor", level }),
  registry,
});
const notifier = await startNotifierService({
  ...common,
  consumerGroup: need("NOTIFIER_GROUP"),
  tickMs: 1000,
  config,
  logger: createLogger({ name: "notifier", level }),
  registry,
});
const gateway = await startGatewayService({
  ...common,
  eventsPartitions: Number(need("EVENTS_PARTITIONS")),
  port: Number(need("GATEWAY_PORT")),
  opsPort: Number(need("OPS_PORT")),
  config,
  logger: createLogger({ name: "gateway", level }),
  registry,
  tokenRate: { ratePerSec: 100_000, burst: 100_000 },
  extraReady: async () => (await processor.ready()) && (await notifier.ready()),
});
process.on("SIGTERM", () => {
  void (async () => {
    await gateway.stop().catch(() => undefined);
    await processor.stop().catch(() => undefined);
    await notifier.stop().catch(() => undefined);
    process.exit(0);
  })();
});
