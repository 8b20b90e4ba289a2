import { loadScoreguardConfig } from "@sg/config";
import { resolveLocalInfra } from "@sg/infra";
import { createLogger } from "@sg/logger";
import { createRegistry, installProcessGuards } from "@sg/telemetry";
import { loadEnv } from "../env.js";
import { rebuild } from "./rebuild.js";

/**
 * `npm run rebuild`: replays sg.events from the earliest retained offset into Redis, with progress on stderr,
 * and exits 0 once caught up (docs/operations.md "Redis persistence and rebuild"). Same environment as the processor.
 */
const env = loadEnv();
const log = createLogger({ name: "rebuild", level: env.LOG_LEVEL });
installProcessGuards({ registry: createRegistry({ defaultMetrics: false }), log });
const say = (m: string) => process.stderr.write(`rebuild: ${m}\n`);
const config = loadScoreguardConfig(env.SCOREGUARD_CONFIG);
const infra = await resolveLocalInfra({ log: say, env: { KAFKA_BROKERS: env.KAFKA_BROKERS?.join(","), REDIS_URL: env.REDIS_URL } });
const started = Date.now();
say(`replaying ${env.TOPIC_PREFIX}sg.events from the earliest offset into Redis (keys ${env.KEY_PREFIX}:…)`);
const done = await rebuild({
  brokers: infra.brokers,
  redisUrl: infra.redisUrl,
  topicPrefix: env.TOPIC_PREFIX,
  keyPrefix: env.KEY_PREFIX,
  config,
  log,
  progress: (p) => say(`${p.done}/${p.total} records (${p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total)}%)`),
});
say(`caught up: ${done.done}/${done.total} records in ${((Date.now() - started) / 1000).toFixed(1)} s; every shop evaluated`);
process.exit(0);
