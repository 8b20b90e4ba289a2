import type { Redis } from "ioredis";
import { isCluster, type RedisClient } from "./client.js";

/**
 * Deletes every key under `prefix:` (SCAN, never KEYS): how isolated runs (replay, benchmarks) clean up.
 * On a cluster every master is scanned, and keys are deleted one by one, since one DEL of keys in
 * different slots is refused (CROSSSLOT) even on one node.
 */
export async function deleteByPrefix(client: RedisClient, prefix: string): Promise<number> {
  if (!isCluster(client)) return deleteOnNode(client, prefix, false);
  // The slot table, and so the list of masters, exists once the client is connected.
  if (client.status !== "ready") await client.ping();
  const counts = await Promise.all(client.nodes("master").map((node) => deleteOnNode(node, prefix, true)));
  return counts.reduce((a, b) => a + b, 0);
}

async function deleteOnNode(redis: Redis, prefix: string, oneKeyPerCommand: boolean): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length === 0) continue;
    if (!oneKeyPerCommand) {
      deleted += await redis.del(...keys);
      continue;
    }
    const p = redis.pipeline();
    for (const k of keys) p.del(k);
    for (const [err, n] of (await p.exec()) ?? []) {
      if (err) throw err;
      deleted += Number(n);
    }
  } while (cursor !== "0");
  return deleted;
}
