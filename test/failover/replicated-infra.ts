// The replicated infrastructure the failover suite runs on: a 3-node KRaft cluster and a Redis Cluster of
// 3 masters with a replica each (a short cluster-node-timeout, so a dead master's replica takes over in
// seconds), both local processes started through @sg/infra and stopped with this test process.
import { ensureKafkaCluster, ensureRedisCluster, KafkaPortBusyError, type KafkaClusterHandle, type RedisClusterHandle } from "@sg/infra";
import { createRedis, type RedisNode } from "@sg/redis";
import { pollUntil } from "../src/index.js";

/** Apart from the int harness's brokers (39092 + 100 i), the fault tests' (49292…, 49342…) and 9092. */
const KAFKA_PORTS = Array.from({ length: 10 }, (_, i) => 46_192 + 100 * i);
/** How long a master may be unreachable before its replica is promoted. */
export const REDIS_NODE_TIMEOUT_MS = 2000;

export type ReplicatedInfra = { kafka: KafkaClusterHandle; redis: RedisClusterHandle; stop(): Promise<void> };

/** A fresh 3-node KRaft cluster (RF 3, min.insync.replicas 2) on the first free ports, stopped with this process. */
export async function startReplicatedKafka(log: (m: string) => void = () => undefined): Promise<KafkaClusterHandle> {
  for (const port of KAFKA_PORTS) {
    try {
      return await ensureKafkaCluster({ brokers: 3, port, fresh: true, reuse: false, stopWithProcess: process.pid, log });
    } catch (err) {
      if (!(err instanceof KafkaPortBusyError)) throw err;
    }
  }
  throw new Error(`no free ports for a 3-node Kafka among ${KAFKA_PORTS.join(", ")}`);
}

export async function startReplicatedInfra(log: (m: string) => void = () => undefined): Promise<ReplicatedInfra> {
  const redis = await ensureRedisCluster({ replicas: 1, nodeTimeoutMs: REDIS_NODE_TIMEOUT_MS, stopWithProcess: process.pid, log });
  let k: KafkaClusterHandle;
  try {
    k = await startReplicatedKafka(log);
  } catch (err) {
    await redis.stop();
    throw err;
  }
  return {
    kafka: k,
    redis,
    async stop() {
      await k.stop();
      await redis.stop();
    },
  };
}

/** One line of CLUSTER NODES. */
export type ClusterNode = { id: string; url: string; master: boolean; failed: boolean; masterId: string | null; slots: string[] };

/** The cluster as the first server of `urls` that answers sees it. */
export async function clusterNodes(urls: readonly string[]): Promise<ClusterNode[]> {
  for (const url of urls) {
    const r = createRedis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
    }) as RedisNode;
    r.on("error", () => undefined);
    try {
      await r.connect();
      const text = String(await r.call("CLUSTER", "NODES"));
      return text
        .trim()
        .split("\n")
        .map((line) => {
          const [id, addr, flags, masterId, , , , , ...slots] = line.split(" ");
          const hostPort = addr!.split("@")[0]!;
          return {
            id: id!,
            url: `redis://${hostPort}`,
            master: flags!.includes("master"),
            failed: /fail/.test(flags!),
            masterId: masterId === "-" ? null : masterId!,
            slots,
          };
        });
    } catch {
      // This server is down: ask the next one.
    } finally {
      r.disconnect();
    }
  }
  throw new Error("no Redis server of the cluster answers");
}

/** A live master with slots (the one at `masterUrl` if given) and its replica. */
export async function aMasterAndItsReplica(
  urls: readonly string[],
  masterUrl?: string,
): Promise<{ master: ClusterNode; replica: ClusterNode }> {
  const nodes = await clusterNodes(urls);
  for (const master of nodes.filter(
    (n) => n.master && !n.failed && n.slots.length > 0 && (masterUrl === undefined || n.url === masterUrl),
  )) {
    const replica = nodes.find((n) => n.masterId === master.id && !n.failed);
    if (replica) return { master, replica };
  }
  throw new Error("no master with a live replica");
}

/** Waits until `replica` is a master serving slots and the cluster is whole again (every slot served). */
export async function waitForPromotion(urls: readonly string[], replicaUrl: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(
    async () => {
      const nodes = await clusterNodes([replicaUrl, ...urls]).catch(() => []);
      const me = nodes.find((n) => n.url === replicaUrl);
      return me !== undefined && me.master && me.slots.length > 0;
    },
    { timeoutMs, intervalMs: 200, message: `${replicaUrl} promoted to master` },
  );
  await waitClusterOk(replicaUrl, timeoutMs);
}

/** Asks one node on a connection of its own, without retries; false when it cannot be reached. */
async function askNode(url: string, ask: (r: RedisNode) => Promise<boolean>): Promise<boolean> {
  const r = createRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }) as RedisNode;
  r.on("error", () => undefined);
  try {
    await r.connect();
    return await ask(r);
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Waits until `url` sees cluster_state:ok and every slot served. */
export async function waitClusterOk(url: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(
    () =>
      askNode(url, async (r) => {
        const info = String(await r.call("CLUSTER", "INFO"));
        return /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info);
      }),
    { timeoutMs, intervalMs: 200, message: `${url} sees the cluster ok` },
  );
}

/** Waits until the server at `url` is a replica whose link to its master is up (it rejoined after a restart). */
export async function waitReplicaLinked(url: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(
    () =>
      askNode(url, async (r) => {
        const info = await r.info("replication");
        return /role:slave/.test(info) && /master_link_status:up/.test(info) && /master_sync_in_progress:0/.test(info);
      }),
    { timeoutMs, intervalMs: 250, message: `${url} a linked replica again` },
  );
}
