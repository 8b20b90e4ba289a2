import { randomUUID } from "node:crypto";
import { pipelineByNode, type Redis } from "@sg/redis";
import type { Keys } from "../keys.js";
import type { GroupState } from "../model/group.js";
import { scripts } from "./scripts.js";

export interface StoredGroup {
  token: string;
  state: GroupState;
}

/**
 * Persistence of group states (one hash per group, hash tag `{g:<id>}`) and of the due index (one sorted
 * set). A group is written with compare-and-set; the due index, in another slot, is updated after the
 * write. A crash between the two leaves at worst an early or missing wake-up: ingest re-schedules on
 * redelivery, and the ticker re-reads the token after scheduling to repair a race with ingest.
 */
export function createGroupStore(redis: Redis, keys: Keys, ttlMs: number) {
  function decode(raw: [string | null, string | null]): StoredGroup | null {
    const [token, json] = raw;
    if (token === null || json === null) return null;
    return { token, state: JSON.parse(json) as GroupState };
  }

  async function load(id: string): Promise<StoredGroup | null> {
    return decode((await redis.hmget(keys.group(id), "tok", "state")) as [string | null, string | null]);
  }

  async function loadMany(ids: readonly string[]): Promise<Map<string, StoredGroup>> {
    const out = new Map<string, StoredGroup>();
    if (ids.length === 0) return out;
    // Groups have a slot each: one pipeline per node, so this runs on a cluster too.
    const res = await pipelineByNode(
      redis,
      ids.map((id) => ({ keys: [keys.group(id)], queue: (p) => p.hmget(keys.group(id), "tok", "state") })),
    );
    ids.forEach((id, i) => {
      const [err, val] = res[i] ?? [null, null];
      if (err) throw err;
      const g = decode(val as [string | null, string | null]);
      if (g) out.set(id, g);
    });
    return out;
  }

  /** Writes `next` (null deletes) if the group still has `expected` (null: absent). Returns the new token, or null on conflict. */
  async function cas(id: string, expected: string | null, next: GroupState | null): Promise<string | null> {
    const token = next === null ? "" : randomUUID();
    const r = await scripts.casGroup(redis, keys.group(id), expected ?? "", token, next === null ? "" : JSON.stringify(next), ttlMs);
    return r === "written" ? token : null;
  }

  /**
   * Read, compute, compare-and-set, until it sticks. `fn` returning its input unchanged writes nothing.
   * Returns the state now stored (null: no group) and its token.
   */
  async function update(
    id: string,
    fn: (s: GroupState | null) => GroupState | null,
    maxAttempts = 20,
  ): Promise<{ state: GroupState | null; token: string | null; written: boolean }> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const cur = await load(id);
      const next = fn(cur?.state ?? null);
      if (next === (cur?.state ?? null)) return { state: next, token: cur?.token ?? null, written: false };
      const token = await cas(id, cur?.token ?? null, next);
      if (token !== null) return { state: next, token: next === null ? null : token, written: true };
    }
    throw new GroupContentionError(id, maxAttempts);
  }

  /** Moves the group's wake-up earlier (or adds it); never later. */
  async function scheduleEarlier(id: string, at: number): Promise<void> {
    await redis.zadd(keys.due(), "LT", at, id);
  }

  /**
   * Sets the wake-up of a group this caller has just written with `token`. If another writer got in
   * between, its own `scheduleEarlier` may have been overwritten, so take the stored state's time too.
   */
  async function scheduleAfterWrite(id: string, token: string | null, state: GroupState | null): Promise<void> {
    if (state === null) await redis.zrem(keys.due(), id);
    else await redis.zadd(keys.due(), state.nextAt, id);
    const now = await load(id);
    if (now !== null && now.token !== token) await scheduleEarlier(id, now.state.nextAt);
  }

  async function due(now: number, limit: number): Promise<string[]> {
    return redis.zrangebyscore(keys.due(), "-inf", now, "LIMIT", 0, limit);
  }

  return { load, loadMany, cas, update, scheduleEarlier, scheduleAfterWrite, due };
}
export type GroupStore = ReturnType<typeof createGroupStore>;

/** Too many writers raced on one group; the caller retries later (the Kafka record is redelivered). */
export class GroupContentionError extends Error {
  override readonly name = "GroupContentionError";
  readonly retriable = true;
  constructor(groupId: string, attempts: number) {
    super(`group ${groupId}: compare-and-set lost ${attempts} times in a row`);
  }
}
