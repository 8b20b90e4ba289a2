// A local Redis Cluster for tests and benchmarks: three cluster-enabled redis-servers on free ports, joined
// with `redis-cli --cluster create`, with no replica or one replica per master (architecture.md, "Local
// infrastructure without Docker"). Each server keeps an append-only file in its folder.
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createRedis, type RedisNode } from "@sg/redis";
import { defaultLog, freePort, isAlive, sleep, type Log } from "./daemon.js";
import { redisStateFile } from "./paths.js";
import { ensureRedis, type RedisHandle } from "./redis.js";

export type EnsureRedisClusterOptions = {
  /** Number of masters; default 3 (the minimum `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Stop the servers once this process exits, even if it is killed (a test run's pid). */
  stopWithProcess?: number;
  log?: Log;
  /** Default 60s. */
  startTimeoutMs?: number;
  /** Replicas per master; default 0. With 1, a master's death promotes its replica (failover). */
  replicas?: number;
  /** `cluster-node-timeout`, ms: how long a master may be unreachable before its replica takes over. Default 5000. */
  nodeTimeoutMs?: number;
};

export type RedisClusterHandle = RedisHandle & {
  /** `redis://127.0.0.1:<port>` of each master, for tests that talk to one node. */
  nodeUrls: string[];
  /** `redis://127.0.0.1:<port>` of every server, masters and replicas, in start order. */
  serverUrls: string[];
  /** SIGKILLs the server at `url` (one of `serverUrls`) and waits until it is gone; its folder stays. */
  kill(url: string): Promise<void>;
  /** Starts a killed server again on its port and folder (its nodes.conf and AOF); it rejoins the cluster. */
  restart(url: string): Promise<void>;
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

/** Whether nothing listens on 127.0.0.1:`port` (a listen that succeeds, closed at once). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10,000, redis-server's default) is free too. */
async function freeClusterPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await portFree(port + 10_000))) return port;
  }
  throw new Error("redis cluster: found no free port whose bus port (port + 10,000) is free too, in 50 tries");
}

/** Starts a fresh local cluster; its URL is `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
export async function ensureRedisCluster(options: EnsureRedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const log = options.log ?? defaultLog;
  const masters = options.masters ?? 3;
  if (masters < 3) throw new Error("a Redis Cluster needs at least 3 masters");
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const nodes: RedisHandle[] = [];
  /** Each server's folder, removed at the end (a restarted server keeps it meanwhile). */
  const dirs: string[] = [];
  const stopAll = async () => {
    for (const n of nodes) await n.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const stateOf = (url: string) =>
    JSON.parse(readFileSync(redisStateFile(Number(new URL(url).port)), "utf8")) as { pid: number; dir: string };
  try {
    const replicas = options.replicas ?? 0;
    const clusterArgs = [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      "nodes.conf",
      "--cluster-node-timeout",
      String(options.nodeTimeoutMs ?? 5000),
    ];
    const startServer = (extra: { port: number; dataDir: string } | object = {}) =>
      ensureRedis({
        url: null,
        extraArgs: clusterArgs,
        log,
        ...extra,
        ...(options.stopWithProcess !== undefined ? { stopWithProcess: options.stopWithProcess } : {}),
      });
    for (let i = 0; i < masters * (1 + replicas); i++) {
      // A cluster node also listens on its bus port (port + 10,000), which a plain free port does not check: pick
      // a port whose bus port is free too, and pick again if another process took either before the server bound.
      for (let attempt = 1; ; attempt++) {
        try {
          const n = await startServer({ port: await freeClusterPort() });
          nodes.push(n);
          dirs.push(stateOf(n.url).dir);
          break;
        } catch (err) {
          if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
          log(`redis cluster: a port was taken before the server bound it (attempt ${attempt}); picking another`);
        }
      }
    }
    const indexOf = (url: string) => {
      const i = nodes.findIndex((n) => n.url === url);
      if (i < 0) throw new Error(`redis cluster: no server ${url}`);
      return i;
    };
    const kill = async (url: string) => {
      const { pid } = stateOf(nodes[indexOf(url)]!.url);
      process.kill(pid, "SIGKILL");
      while (isAlive(pid)) await sleep(50);
    };
    const restart = async (url: string) => {
      const i = indexOf(url);
      nodes[i] = await startServer({ port: Number(new URL(url).port), dataDir: dirs[i]! });
    };
    const hostPorts = nodes.map((n) => new URL(n.url).host);
    log(`redis cluster: joining ${hostPorts.join(", ")}`);
    // redis-cli makes the first `masters` servers masters and gives each of the others to one of them.
    await redisCli(["--cluster", "create", ...hostPorts, "--cluster-replicas", String(replicas), "--cluster-yes"], timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (const n of nodes) {
      while (!(await clusterOk(n.url))) {
        if (Date.now() > deadline) throw new Error(`redis cluster: ${n.url} did not report cluster_state:ok within ${timeoutMs}ms`);
        await sleep(100);
      }
    }
    if (replicas > 0) await waitForReplicaLinks(nodes.slice(0, masters), replicas, deadline, timeoutMs);
    const url = `redis+cluster://${hostPorts.slice(0, masters).join(",")}`;
    log(`redis cluster: ready at ${url}${replicas > 0 ? ` (${replicas} replica per master)` : ""}`);
    return {
      url,
      started: true,
      nodeUrls: nodes.slice(0, masters).map((n) => n.url),
      serverUrls: nodes.map((n) => n.url),
      kill,
      restart,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Waits until every master has `replicas` replicas online and caught up (INFO replication). */
async function waitForReplicaLinks(masters: RedisHandle[], replicas: number, deadline: number, timeoutMs: number): Promise<void> {
  for (const m of masters) {
    const redis = createRedis(m.url, { maxRetriesPerRequest: 1 }) as RedisNode;
    redis.on("error", () => undefined);
    try {
      for (;;) {
        const info = await redis.info("replication").catch(() => "");
        const online = info.split("\n").filter((l) => /^slave\d+:.*state=online/.test(l)).length;
        if (online >= replicas) break;
        if (Date.now() > deadline)
          throw new Error(`redis cluster: ${m.url} has ${online} of ${replicas} replicas online after ${timeoutMs}ms`);
        await sleep(100);
      }
    } finally {
      redis.disconnect();
    }
  }
}
