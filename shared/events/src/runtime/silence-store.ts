import { randomUUID } from "node:crypto";
import type { Redis } from "@sg/redis";
import { sharedKeys } from "../redis-keys.js";
import { Silence, buildSilence, isExpired } from "../silences/silence.js";

export interface SilenceStore {
  /** Validates and stores a silence; throws `SilenceInputError` listing the problems by field. */
  create(input: unknown): Promise<Silence>;
  /** Active and future silences; expired ones are removed as a side effect. */
  list(): Promise<Silence[]>;
  get(id: string): Promise<Silence | null>;
  /** True when the silence existed. */
  remove(id: string): Promise<boolean>;
}

export interface SilenceStoreOptions {
  now?: () => number;
}

/**
 * Silences live in one Redis hash, `sharedKeys(keyPrefix).silences()`, field = id, value = JSON.
 * A silence is small and few exist at a time, so one key (one slot) is enough and lets the notifier read
 * them all in one round trip per tick. Expired entries are dropped on read.
 */
export function createSilenceStore(redis: Redis, keyPrefix: string, opts: SilenceStoreOptions = {}): SilenceStore {
  const key = sharedKeys(keyPrefix).silences();
  const now = opts.now ?? Date.now;

  function decode(raw: string): Silence | null {
    // A value that no longer parses (a schema change) is treated as absent rather than crashing readers.
    const parsed = Silence.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  return {
    async create(input) {
      const silence = buildSilence(input, randomUUID(), now());
      await redis.hset(key, silence.id, JSON.stringify(silence));
      return silence;
    },

    async list() {
      const all = await redis.hgetall(key);
      const t = now();
      const live: Silence[] = [];
      const dead: string[] = [];
      for (const [id, raw] of Object.entries(all)) {
        const s = decode(raw);
        if (s === null || isExpired(s, t)) dead.push(id);
        else live.push(s);
      }
      if (dead.length > 0) await redis.hdel(key, ...dead);
      return live.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id.localeCompare(b.id));
    },

    async get(id) {
      const raw = await redis.hget(key, id);
      if (raw === null) return null;
      const s = decode(raw);
      return s === null || isExpired(s, now()) ? null : s;
    },

    async remove(id) {
      return (await redis.hdel(key, id)) > 0;
    },
  };
}
