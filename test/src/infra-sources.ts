// Where the int tests' Kafka and Redis come from, in order: the environment (KAFKA_BROKERS, REDIS_URL),
// testcontainers when a Docker engine answers, else local processes started through @sg/infra.
import { execFile } from "node:child_process";
import { ensureKafka, ensureRedis, ensureRedisCluster, KafkaPortBusyError } from "@sg/infra";

/** A service the harness uses, and how to give it back. */
export type Provided<T> = { value: T; source: string; stop: () => Promise<void> };

const nothingToStop = async () => undefined;

/**
 * Tests use their own broker port so that a broker from `npm start` or `infra:up` on 9092 and a test
 * run never share state or fight over a port. A run never reuses a broker it did not start (another run
 * would stop it under its feet): when the port is busy it tries the next one.
 */
export const TEST_KAFKA_PORTS = Array.from({ length: 10 }, (_, i) => 39092 + 100 * i);

/** Docker is used only when an engine answers quickly; a CLI without an engine must not slow every run. */
export function dockerAnswers(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: timeoutMs }, (err, stdout) => {
      resolve(err === null && stdout.trim() !== "");
    });
  });
}

/**
 * `SG_TEST_REDIS=cluster` runs the int tests against a Redis Cluster: the one REDIS_URL names if it is a
 * `redis+cluster://` URL, else three local cluster-enabled redis-servers (`npm run test:cluster`).
 */
export type HarnessEnv = { KAFKA_BROKERS: string[] | undefined; REDIS_URL: string | undefined; SG_TEST_REDIS: "single" | "cluster" };

export function parseHarnessEnv(source: NodeJS.ProcessEnv = process.env): HarnessEnv {
  const brokers = source.KAFKA_BROKERS?.split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  const redis = source.REDIS_URL?.trim();
  const mode = source.SG_TEST_REDIS?.trim().toLowerCase() ?? "";
  if (!["", "single", "cluster"].includes(mode))
    throw new Error(`SG_TEST_REDIS must be "single" or "cluster", got "${source.SG_TEST_REDIS}"`);
  return {
    KAFKA_BROKERS: brokers && brokers.length > 0 ? brokers : undefined,
    REDIS_URL: redis ? redis : undefined,
    SG_TEST_REDIS: mode === "cluster" ? "cluster" : "single",
  };
}

export async function provideKafka(env: HarnessEnv, docker: () => Promise<boolean>, log: (m: string) => void): Promise<Provided<string[]>> {
  if (env.KAFKA_BROKERS) return { value: env.KAFKA_BROKERS, source: "KAFKA_BROKERS", stop: nothingToStop };
  if (await docker()) {
    const { KafkaContainer } = await import("@testcontainers/kafka");
    log("test harness: starting Kafka with testcontainers");
    const container = await new KafkaContainer("confluentinc/cp-kafka:7.9.0").withKraft().start();
    return {
      value: [`${container.getHost()}:${container.getMappedPort(9093)}`],
      source: "testcontainers",
      stop: async () => {
        await container.stop();
      },
    };
  }
  for (const port of TEST_KAFKA_PORTS) {
    try {
      const kafka = await ensureKafka({ port, fresh: true, reuse: false, stopWithProcess: process.pid, log });
      return { value: kafka.brokers, source: "local broker", stop: kafka.stop };
    } catch (err) {
      if (!(err instanceof KafkaPortBusyError)) throw err;
      log(`${err.message}; trying another port`);
    }
  }
  throw new Error(`no free port for a test broker among ${TEST_KAFKA_PORTS.join(", ")}; \`npm run infra:down -- --all\` stops leftovers`);
}

export async function provideRedis(env: HarnessEnv, docker: () => Promise<boolean>, log: (m: string) => void): Promise<Provided<string>> {
  if (env.SG_TEST_REDIS === "cluster") {
    if (env.REDIS_URL && /^rediss?\+cluster:/i.test(env.REDIS_URL))
      return { value: env.REDIS_URL, source: "REDIS_URL (cluster)", stop: nothingToStop };
    // Local processes even where Docker answers: a containerised cluster announces addresses the host cannot reach.
    const cluster = await ensureRedisCluster({ stopWithProcess: process.pid, log });
    return { value: cluster.url, source: "local 3-master Redis Cluster", stop: cluster.stop };
  }
  if (env.REDIS_URL) return { value: env.REDIS_URL, source: "REDIS_URL", stop: nothingToStop };
  if (await docker()) {
    const { RedisContainer } = await import("@testcontainers/redis");
    log("test harness: starting Redis with testcontainers");
    const container = await new RedisContainer("redis:7-alpine").start();
    return {
      value: container.getConnectionUrl(),
      source: "testcontainers",
      stop: async () => {
        await container.stop();
      },
    };
  }
  // Never the developer's own Redis on 6379: a redis-server of the harness's own, on a free port.
  const redis = await ensureRedis({ url: null, stopWithProcess: process.pid, log });
  return { value: redis.url, source: "local redis-server", stop: redis.stop };
}
