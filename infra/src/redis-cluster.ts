// A local Redis Cluster for tests and benchmarks: three cluster-enabled redis-servers on free ports, joined
// with `redis-cli --cluster create`, no replicas, nothing on disk but their nodes.conf (architecture.md,
// "Local infrastructure without Docker").
import { execFile } from "node:child_process";
import { createRedis, type RedisNode } from "@sg/redis";
import { defaultLog, sleep, type Log } from "./daemon.js";
import { ensureRedis, type RedisHandle } from "./redis.js";

export type EnsureRedisClusterOptions = {
  /** Number of masters; default 3 (the minimum `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Stop the servers once this process exits, even if it is killed (a test run's pid). */
  stopWithProcess?: number;
  log?: Log;
  /** Default 60s. */
  startTimeoutMs?: number;
};

export type RedisClusterHandle = RedisHandle & {
  /** `redis://127.0.0.1:<port>` of each master, for tests that talk to one node. */
  nodeUrls: string[];
};

function redisCli(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("redis-cli", args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.slice(0, 2).join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** True when the node sees the whole cluster up: every slot served and cluster_state ok. */
async function clusterOk(url: string): Promise<boolean> {
  const redis = createRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }) as RedisNode;
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const info = String(await redis.call("CLUSTER", "INFO"));
    return /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info);
  } catch {
    // Not up yet: the caller polls.
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Starts a fresh local cluster; its URL is `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
export async function ensureRedisCluster(options: EnsureRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const log = options.log ?? defaultLog;
  const masters = options.masters ?? 3;
  if (masters < 3) throw new Error("a Redis Cluster needs at least 3 masters");
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const nodes: RedisHandle[] = [];
  const stopAll = async () => {
    for (const n of nodes) await n.stop();
  };
  try {
    const clusterArgs = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"];
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await ensureRedis({
          url: null,
          extraArgs: clusterArgs,
          log,
          ...(options.stopWithProcess !== undefined ? { stopWithProcess: options.stopWithProcess } : {}),
        }),
      );
    }
    const hostPorts = nodes.map((n) => new URL(n.url).host);
    log(`redis cluster: joining ${hostPorts.join(", ")}`);
    await redisCli(["--cluster", "create", ...hostPorts, "--cluster-replicas", "0", "--cluster-yes"], timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (const n of nodes) {
      while (!(await clusterOk(n.url))) {
        if (Date.now() > deadline) throw new Error(`redis cluster: ${n.url} did not report cluster_state:ok within ${timeoutMs}ms`);
        await sleep(100);
      }
    }
    const url = `redis+cluster://${hostPorts.join(",")}`;
    log(`redis cluster: ready at ${url}`);
    return { url, started: true, nodeUrls: nodes.map((n) => n.url), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
