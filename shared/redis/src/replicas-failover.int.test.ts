import { readFileSync } from "node:fs";
import type { Cluster, Redis as RedisNode } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureRedisCluster, type RedisClusterHandle } from "../../../infra/src/index.js";
// Where infra records a started redis-server's pid; not part of @sg/infra's public surface.
import { redisStateFile } from "../../../infra/src/paths.js";
import { aMasterAndItsReplica, waitForPromotion, waitReplicaLinked } from "../../../test/failover/replicated-infra.js";
import { pollUntil, uniqueName } from "../../../test/src/index.js";
import { createRedis } from "./client.js";
import { createReplicaGate, ReplicaAckError, waitForReplicas } from "./replicas.js";
import { keySlot } from "./slot.js";

// A Redis Cluster of 3 masters with a replica each, of this file's own (the int harness's has no replica).
// A replica is held back deterministically: SIGSTOPped (its link stays up, it just acknowledges nothing), or
// also cut off by the master (CLIENT KILL TYPE replica), so a write reaches the master alone.
let cluster: RedisClusterHandle;
let client: Cluster;
const ack = { minReplicas: 1, timeoutMs: 300 };

beforeAll(async () => {
  cluster = await ensureRedisCluster({ replicas: 1, nodeTimeoutMs: 2000, stopWithProcess: process.pid, log: () => undefined });
  client = createRedis(cluster.url, {}, () => undefined) as Cluster;
}, 120_000);
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

const pidOf = (url: string) => (JSON.parse(readFileSync(redisStateFile(Number(new URL(url).port)), "utf8")) as { pid: number }).pid;
const masterUrlOf = (key: string) => `redis://${client.slots[keySlot(key)]![0]!}`;
const nodeAt = (url: string) => client.nodes("master").find((n) => `redis://${n.options.host}:${n.options.port}` === url);

describe("the replica wait across a lost connection", () => {
  it(
    "fails for writes a master acknowledged and then died with, although the promoted master's WAIT answers a replica",
    { timeout: 180_000 },
    async () => {
      const prefix = uniqueName("rdead");
      const gate = createReplicaGate(client, ack, { keyPrefix: prefix });
      const key = `${prefix}:{k}`;
      await client.set(key, "replicated");
      await gate.wait(gate.mark());
      const { master, replica } = await aMasterAndItsReplica(cluster.serverUrls, masterUrlOf(key));
      const held = pidOf(replica.url);
      process.kill(held, "SIGSTOP");
      try {
        const m = createRedis(master.url) as RedisNode;
        await m.call("CLIENT", "KILL", "TYPE", "replica");
        m.disconnect();
        const mark = gate.mark();
        await client.set(key, "on the master alone"); // acknowledged: a processor would go on to commit its offset
        await cluster.kill(master.url);
        process.kill(held, "SIGCONT");
        await waitForPromotion(cluster.serverUrls, replica.url);
        await cluster.restart(master.url);
        await waitReplicaLinked(master.url);

        // The acknowledged write is gone with the master...
        expect(await pollUntil(() => client.get(key).catch(() => undefined), { timeoutMs: 30_000 })).toBe("replicated");
        // ...yet every master there is now answers a WAIT with a replica: a wait on them alone vouches for it.
        await waitForReplicas(client, ack, { keyPrefix: prefix });
        // The gate knows a master connection was lost after the mark, so the write is not acknowledged.
        const err = await gate.wait(mark).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ReplicaAckError);
        expect((err as Error).message).toMatch(/connection was lost after the writes/);
        // Work begun after the failover is acknowledged again.
        const after = gate.mark();
        await client.set(key, "again");
        await expect(gate.wait(after)).resolves.toBeUndefined();
        expect(await gate.healthy()).toBe(true);
      } finally {
        process.kill(held, "SIGCONT");
      }
    },
  );

  it(
    "a new connection's WAIT does not vouch for an old one's writes: the probe write makes it wait for them",
    { timeout: 120_000 },
    async () => {
      const prefix = uniqueName("rconn");
      const gate = createReplicaGate(client, ack, { keyPrefix: prefix });
      const key = `${prefix}:{k}`;
      await client.set(key, "replicated");
      await gate.wait(gate.mark());
      const { master, replica } = await aMasterAndItsReplica(cluster.serverUrls, masterUrlOf(key));
      const held = pidOf(replica.url);
      process.kill(held, "SIGSTOP");
      try {
        const before = gate.mark();
        await client.set(key, "not on the replica yet");
        // The client's connection to that master closes (as on any network blip) and is replaced.
        nodeAt(master.url)!.disconnect();
        await expect(gate.wait(before)).rejects.toBeInstanceOf(ReplicaAckError);
        await pollUntil(async () => (await client.get(key).catch(() => undefined)) !== undefined && nodeAt(master.url) !== undefined, {
          timeoutMs: 30_000,
        });
        // A retried unit of work finds its writes done and writes nothing: its mark is after the close.
        const retried = gate.mark();
        // A plain WAIT on a connection that has sent nothing before answers at once, stopped replica and all:
        // it vouches for no earlier write. (ioredis's ready check, an INFO, happens to move the connection's
        // offset on Redis 7.0; the gate does not rely on that.)
        const fresh = createRedis(master.url, { enableReadyCheck: false }) as RedisNode;
        try {
          expect(Number(await fresh.call("WAIT", 1, 300))).toBe(1);
        } finally {
          fresh.disconnect();
        }
        // The gate's probe write goes through the master's replication stream behind the old write, so its WAIT
        // does not answer before the replica holds that write: not while the replica is stopped.
        await expect(gate.wait(retried)).rejects.toBeInstanceOf(ReplicaAckError);
        process.kill(held, "SIGCONT");
        await pollUntil(() => gate.wait(retried).then(() => true), { timeoutMs: 30_000 });
      } finally {
        process.kill(held, "SIGCONT");
      }
    },
  );
});
