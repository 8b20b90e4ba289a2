// Where `npm start` and `replay` find Kafka and Redis: the configured ones (KAFKA_BROKERS, REDIS_URL), else
// local ones, started here if they are not running yet and left running for the next command.
import { ensureKafka } from "./kafka.js";
import { redisDataDir } from "./paths.js";
import { ensureRedis, redisAnswers } from "./redis.js";

export type LocalInfra = { brokers: string[]; redisUrl: string; notes: string[] };

/** The Redis every local command shares when REDIS_URL is unset: the one on 6379, started there if none answers (as `npm run infra:up` does). */
const DEFAULT_REDIS = "redis://127.0.0.1:6379";
const FALLBACK_REDIS_PORT = 6379;

export async function resolveLocalInfra(options: { log?: (msg: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<LocalInfra> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const notes: string[] = [];
  let brokers: string[];
  if (env.KAFKA_BROKERS) {
    brokers = env.KAFKA_BROKERS.split(",")
      .map((b) => b.trim())
      .filter(Boolean);
  } else {
    const k = await ensureKafka({ log });
    brokers = k.brokers;
    if (k.started) notes.push(`started Kafka at ${brokers.join(",")} (stop it with: npm run infra:down)`);
  }
  let redisUrl: string;
  if (env.REDIS_URL) {
    redisUrl = env.REDIS_URL;
  } else if (await redisAnswers(DEFAULT_REDIS)) {
    redisUrl = DEFAULT_REDIS;
  } else {
    const r = await ensureRedis({
      url: `redis://127.0.0.1:${FALLBACK_REDIS_PORT}`,
      port: FALLBACK_REDIS_PORT,
      log,
      dataDir: redisDataDir(FALLBACK_REDIS_PORT),
    });
    redisUrl = r.url;
    if (r.started) notes.push(`started redis-server at ${r.url} (stop it with: npm run infra:down)`);
  }
  return { brokers, redisUrl, notes };
}
