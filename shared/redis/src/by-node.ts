// One pipeline per node (architecture.md "One script call per shop per batch"): a batch that touches many
// shops costs one round trip per Redis node, on one node and on a cluster alike.
import type { ChainableCommander, Cluster } from "ioredis";
import { isCluster, type RedisClient } from "./client.js";
import { keySlot } from "./slot.js";

/** One command (or script call) for `pipelineByNode`: the keys it touches, all in one slot, and how to queue it. */
export type NodeCall = {
  keys: readonly string[];
  queue: (pipeline: ChainableCommander) => unknown;
};

/** As ioredis `pipeline.exec()` gives it: the command's error, or null and its reply. */
export type PipelineReply = [Error | null, unknown];

/** How often commands redirected by a slot move (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) are sent again. */
const MAX_REDIRECTS = 5;

/** A reply that says the node did not run the command because the slot is elsewhere or moving. */
function redirected(err: Error | null): boolean {
  return err !== null && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /.test(err.message);
}

/** ioredis refuses a pipeline whose keys are no longer served by one group of nodes (a slot moved meanwhile). */
function spansNodes(err: unknown): boolean {
  return err instanceof Error && /same slots allocation group/.test(err.message);
}

function refreshSlots(cluster: Cluster): Promise<void> {
  return new Promise((resolve, reject) => cluster.refreshSlotsCache((err) => (err ? reject(err) : resolve())));
}

/**
 * Sends `calls` in one pipeline per node, concurrently, and returns their replies in the order of
 * `calls`. On one node that is a single pipeline. On a cluster, calls are grouped by the node serving
 * their slot (from the client's slot table); calls the cluster redirects because a slot moved are sent
 * again once the slot table is refreshed, so a resharding in flight costs a retry, not an error.
 * Each call's keys must share a slot (a hash tag); a call may be queued more than once, so it must be
 * safe to queue again (it has not run when it is redirected).
 */
export async function pipelineByNode(client: RedisClient, calls: readonly NodeCall[]): Promise<PipelineReply[]> {
  if (calls.length === 0) return [];
  if (!isCluster(client)) {
    const p = client.pipeline();
    for (const c of calls) c.queue(p);
    return (await p.exec()) ?? [];
  }
  for (const [i, c] of calls.entries()) {
    if (c.keys.length === 0) throw new Error(`pipelineByNode: call ${i} names no key, so it has no node`);
  }
  // The slot table is empty until the client has connected; any command waits for that.
  if (client.slots.length === 0) await client.exists(calls[0]!.keys[0]!);
  const replies: PipelineReply[] = new Array<PipelineReply>(calls.length);
  let pending = calls.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const groups = new Map<string, number[]>();
    for (const i of pending) {
      const nodes = client.slots[keySlot(calls[i]!.keys[0]!)];
      const group = nodes ? nodes.join(";") : "?";
      let g = groups.get(group);
      if (!g) groups.set(group, (g = []));
      g.push(i);
    }
    const retry: number[] = [];
    await Promise.all(
      [...groups.values()].map(async (idx) => {
        const p = client.pipeline();
        for (const i of idx) calls[i]!.queue(p);
        let res: PipelineReply[];
        try {
          res = (await p.exec()) ?? [];
        } catch (err) {
          if (!spansNodes(err) || attempt >= MAX_REDIRECTS) throw err;
          retry.push(...idx);
          return;
        }
        idx.forEach((i, j) => {
          const r = res[j] ?? [new Error("pipelineByNode: no reply"), null];
          if (redirected(r[0]) && attempt < MAX_REDIRECTS) retry.push(i);
          else replies[i] = r;
        });
      }),
    );
    if (retry.length > 0) await refreshSlots(client);
    pending = retry;
  }
  return replies;
}

/** `pipelineByNode` that throws the first command error (naming the call) and returns the bare replies. */
export async function execByNode(client: RedisClient, calls: readonly NodeCall[], what = "command"): Promise<unknown[]> {
  const replies = await pipelineByNode(client, calls);
  return replies.map(([err, value], i) => {
    if (err) throw new Error(`${what} ${i} failed: ${err.message}`, { cause: err });
    return value;
  });
}
