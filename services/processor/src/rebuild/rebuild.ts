import { topicNames } from "@sg/events";
import { createKafka, type Kafka } from "@sg/kafka";
import { createRedis, type Redis } from "@sg/redis";
import type { ShopConfigSource } from "../shop-config.js";
import type { Log } from "../log.js";
import { createProcessor } from "../processor.js";

export interface RebuildOptions {
  brokers: string[];
  redisUrl: string;
  topicPrefix: string;
  keyPrefix: string;
  /** The rebuild's own consumer group; default `sg-rebuild-<time>`, a fresh one that starts at the earliest offset. */
  groupId?: string;
  config: ShopConfigSource;
  log: Log;
  /** Told about progress about every `progressMs` (default 2 s). */
  progress?: (p: RebuildProgress) => void;
  progressMs?: number;
  /** The processor's clock; default the wall clock, as in service. */
  clock?: () => number;
}

export interface RebuildProgress {
  /** Records of sg.events consumed by the rebuild's group so far (committed offsets). */
  done: number;
  /** Records of sg.events there were when the rebuild started (end offsets minus earliest ones). */
  total: number;
  /** Records the rebuild's processor has consumed (applied, duplicates or dead-lettered). */
  handled: number;
}

/**
 * Replays `sg.events` from its earliest retained offset into Redis: a fresh consumer group,
 * the processor's normal apply path (idempotent by event id, so it repairs a partial state as well as an
 * empty one) and evaluation on the wall clock, which fires what is due and publishes alerts with new seqs.
 * Resolves once the group has consumed everything that was in the topic when it started, evaluated, and
 * left; the group is then deleted. Events that arrive meanwhile are the running processors' work.
 */
export async function rebuild(o: RebuildOptions): Promise<RebuildProgress> {
  const topics = topicNames(o.topicPrefix);
  const kafka: Kafka = createKafka({ brokers: o.brokers, clientId: "sg-rebuild" });
  const redis: Redis = createRedis(o.redisUrl, {}, (err, info) => o.log.warn({ err, ...info }, "redis connection error; reconnecting"));
  const groupId = o.groupId ?? `sg-rebuild-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  const processor = createProcessor({
    kafka,
    redis,
    topics,
    keyPrefix: o.keyPrefix,
    groupId,
    clock: o.clock ?? Date.now,
    config: o.config,
    log: o.log,
  });
  try {
    const ends = await admin.fetchTopicOffsets(topics.events);
    const target = new Map(ends.map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
    const total = [...target.values()].reduce((n, p) => n + (p.high - p.low), 0);
    const measure = async (): Promise<RebuildProgress> => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.events] });
      let done = 0;
      for (const p of committed?.partitions ?? []) {
        const t = target.get(p.partition);
        const at = Number(p.offset);
        if (t && at >= 0) done += Math.min(at, t.high) - t.low;
      }
      return { done, total, handled: processor.handled };
    };
    await processor.start();
    let last = await measure();
    while (last.done < total) {
      await new Promise((r) => setTimeout(r, o.progressMs ?? 2000));
      last = await measure();
      o.progress?.(last);
    }
    // Everything consumed is in Redis (offsets are committed only after the apply); evaluate it all now.
    await processor.flush();
    return last;
  } finally {
    await processor.stop();
    await admin
      .deleteGroups([groupId])
      .catch((err: unknown) => o.log.warn({ err, groupId }, "could not delete the rebuild's consumer group"));
    await admin.disconnect();
    redis.disconnect();
  }
}
