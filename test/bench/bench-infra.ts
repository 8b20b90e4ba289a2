/**
 * Where the bench's sections find Kafka and Redis, the same way for every section: Kafka from KAFKA_BROKERS
 * or the local broker (resolveLocalInfra); Redis from REDIS_URL when it is set, else a redis-server of the
 * bench's own on a free port (as the backlog and system sections start theirs), stopped with the bench. It
 * never falls back to a Redis that happens to answer on 127.0.0.1:6379, whose other keys and clients would
 * share what the bench measures. `redisLabel` says which, for the bench's first line.
 */
import { ensureRedis, resolveLocalInfra } from "@sg/infra";

export interface BenchInfra {
  brokers: string[];
  redisUrl: string;
  redisLabel: string;
  stop: () => Promise<void>;
}

export async function benchInfra(): Promise<BenchInfra> {
  const given = process.env.REDIS_URL;
  const own = given ? undefined : await ensureRedis({ url: null, log: () => undefined, stopWithProcess: process.pid });
  const redisUrl = given ?? own!.url;
  const infra = await resolveLocalInfra({ env: { ...process.env, REDIS_URL: redisUrl } });
  const safe = redisUrl.replace(/\/\/[^@/]*@/, "//***@");
  return {
    brokers: infra.brokers,
    redisUrl,
    redisLabel: own ? `a redis-server of the bench's own at ${safe}` : `REDIS_URL ${safe}`,
    stop: async () => {
      await own?.stop();
    },
  };
}
