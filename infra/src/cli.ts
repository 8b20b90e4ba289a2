// npm run infra:up [-- --brokers 3] [--redis-cluster] | infra:down [-- --all], or: tsx infra/src/cli.ts up | down [--all] | status
// `up` leaves Kafka and Redis running in the background and prints the variables to use them.
// `--brokers 3`: a 3-node KRaft cluster (topics at replication factor 3, min.insync.replicas 2) on
// KAFKA_PORT (default 9092), 9094 and 9096. `--redis-cluster`: a Redis Cluster of 3 masters and 3 replicas.
import { existsSync, readdirSync } from "node:fs";
import { defaultLog, livePid } from "./daemon.js";
import { parseInfraEnv } from "./env.js";
import { kafkaFiles } from "./kafka-dist.js";
import { ensureKafka, kafkaAnswers, stopKafka } from "./kafka.js";
import { ensureKafkaCluster, kafkaClusterNodes } from "./kafka-cluster.js";
import { ensureRedisCluster } from "./redis-cluster.js";
import { kafkaRunDir, redisDataDir, runDir, shown } from "./paths.js";
import { ensureRedis, redisAnswers, startedRedisServers, stopStartedRedisServers } from "./redis.js";

/** Ports of the brokers infra has a run folder for. */
function kafkaPorts(): number[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .map((f) => /^kafka-(\d+)$/.exec(f)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number);
}

const UP_REDIS_PORT = 6379;

/** `--brokers N` (1..9; default 1). */
function brokersArg(): number {
  const i = process.argv.indexOf("--brokers");
  if (i < 0) return 1;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 9)
    throw new Error(`--brokers takes a number of brokers 1..9, got "${process.argv[i + 1] ?? ""}"`);
  return n;
}

async function up(): Promise<void> {
  const env = parseInfraEnv();
  const brokers = brokersArg();
  const kafka = brokers === 1 ? await ensureKafka({}) : await ensureKafkaCluster({ brokers });
  let redisUrl: string;
  if (process.argv.includes("--redis-cluster")) {
    // 3 masters and a replica each, on free ports; the processes stay until `infra:down -- --all`.
    redisUrl = (await ensureRedisCluster({ replicas: 1 })).url;
  } else {
    // The usual local Redis; started on 6379 when nothing answers there.
    const redis = await ensureRedis({
      url: env.REDIS_URL ?? `redis://127.0.0.1:${UP_REDIS_PORT}`,
      ...(env.REDIS_URL ? {} : { port: UP_REDIS_PORT, dataDir: redisDataDir(UP_REDIS_PORT) }),
    });
    redisUrl = redis.url;
  }
  // A Redis with replicas: acknowledge nothing before a replica has it (docs/operations.md "Replicated Kafka and Redis").
  const ack = redisUrl.startsWith("redis+cluster:") ? "\nREDIS_MIN_REPLICAS_ACK=1" : "";
  process.stdout.write(`KAFKA_BROKERS=${kafka.brokers.join(",")}\nREDIS_URL=${redisUrl}${ack}\n`);
}

/** Stops what `up` starts (the broker on KAFKA_PORT or 9092, a redis-server on 6379); `--all`: everything infra started. */
async function down(): Promise<void> {
  const all = process.argv.includes("--all");
  const ports = all ? kafkaPorts() : kafkaClusterNodes(parseInfraEnv().KAFKA_PORT ?? 9092, brokersArg()).map((n) => n.port);
  for (const port of ports) {
    const pid = await stopKafka(port);
    if (pid !== undefined) defaultLog(`kafka: stopped the broker on 127.0.0.1:${port} (pid ${pid})`);
  }
  for (const url of await stopStartedRedisServers(all ? undefined : UP_REDIS_PORT)) defaultLog(`redis: stopped ${url}`);
}

async function status(): Promise<void> {
  const env = parseInfraEnv();
  const lines: string[] = [];
  for (const port of kafkaPorts()) {
    const files = kafkaFiles(kafkaRunDir(port));
    const pid = livePid(files.pidFile, files.serverProperties);
    const answers = await kafkaAnswers([`127.0.0.1:${port}`]);
    lines.push(
      `kafka 127.0.0.1:${port}: ${pid === undefined ? "not started by infra" : `pid ${pid}`}, ${answers ? "answers" : "does not answer"} (log: ${shown(files.logFile)})`,
    );
  }
  const defaultKafka = env.KAFKA_PORT ?? 9092;
  if (!kafkaPorts().includes(defaultKafka)) {
    lines.push(
      `kafka 127.0.0.1:${defaultKafka}: ${(await kafkaAnswers([`127.0.0.1:${defaultKafka}`])) ? "answers (not started by infra)" : "does not answer"}`,
    );
  }
  for (const s of startedRedisServers())
    lines.push(`redis ${s.url}: pid ${s.pid}, ${(await redisAnswers(s.url)) ? "answers" : "does not answer"}`);
  const url = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (!startedRedisServers().some((s) => s.url === url))
    lines.push(`redis ${url}: ${(await redisAnswers(url)) ? "answers" : "does not answer"}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

const commands: Record<string, () => Promise<void>> = { up, down, status };
const name = process.argv[2] ?? "";
const command = commands[name];
if (command === undefined) {
  process.stderr.write("usage: tsx infra/src/cli.ts up [--brokers N] [--redis-cluster] | down [--all | --brokers N] | status\n");
  process.exitCode = 2;
} else {
  command().catch((err: unknown) => {
    process.stderr.write(`infra ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
