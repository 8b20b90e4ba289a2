// Global setup of the int project (test/vitest.config.ts): one Kafka and one Redis for the whole run,
// handed to tests with provide/inject (see testInfra()) and to child processes through the environment.
import type { TestProject } from "vitest/node";
import { dockerAnswers, parseHarnessEnv, provideKafka, provideRedis, type Provided } from "./infra-sources.js";
import "./provided.js";

const log = (msg: string) => {
  process.stderr.write(`${msg}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = parseHarnessEnv();
  let docker: Promise<boolean> | undefined;
  const dockerOnce = () => (docker ??= dockerAnswers());
  const started: Provided<unknown>[] = [];
  const teardown = async () => {
    // Stops only what this run started; a reused broker or a REDIS_URL is left alone.
    for (const p of started.reverse()) await p.stop();
  };
  try {
    const kafka = await provideKafka(env, dockerOnce, log);
    started.push(kafka);
    const redis = await provideRedis(env, dockerOnce, log);
    started.push(redis);
    log(`test harness: Kafka ${kafka.value.join(",")} (${kafka.source}), Redis ${redis.value} (${redis.source})`);
    project.provide("kafkaBrokers", kafka.value);
    project.provide("redisUrl", redis.value);
    // For services a test starts as child processes (their own zod Env reads these).
    process.env.KAFKA_BROKERS = kafka.value.join(",");
    process.env.REDIS_URL = redis.value;
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
