// The one place that builds ioredis clients (architecture.md, "The same clients everywhere").
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { listenForRedisErrors, type RedisErrorHandler } from "./errors.js";
import { parseRedisUrl } from "./url.js";

/**
 * A client of ScoreGuard's Redis: one node or a Redis Cluster. Every service, `replay` and the tools take
 * this type, so they run unchanged on either; code that needs one node's API (SCAN, INFO) must branch
 * with `isCluster` (see prefix.ts).
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/**
 * A client for `REDIS_URL`: `redis://[user:pass@]host:port[/db]` gives one node, and
 * `redis+cluster://[user:pass@]host1:port1,host2:port2` a cluster client (url.ts). `options` override the
 * defaults below; for a cluster they apply to the connection to every node, and `lazyConnect`,
 * `enableOfflineQueue` and `retryStrategy` to the cluster client itself.
 */
export function createRedis(url: string, options: RedisOptions = {}, onError?: RedisErrorHandler): RedisClient {
  const client = buildClient(url, options);
  coalesceWrites(client);
  // Every client has an `error` listener (`onError`, by default a throttled line on stderr with no secret in
  // it), so a Redis outage or a refused password is reported and the client reconnects, never an uncaught exception.
  listenForRedisErrors(client, onError);
  return client;
}

function buildClient(url: string, options: RedisOptions): RedisClient {
  const target = parseRedisUrl(url);
  // ioredis retries a command through reconnects 20 times by default; 3 surfaces an outage faster.
  const nodeOptions: RedisOptions = { maxRetriesPerRequest: 3, ...options };
  if (target.kind === "node") return new Redis(target.url, nodeOptions);
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = nodeOptions;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perNode,
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    // A node that is failing over answers TRYAGAIN/CLUSTERDOWN for a moment: retry rather than fail the batch.
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
  };
  return new Cluster(target.nodes, clusterOptions);
}

/** A connection's socket as ioredis holds it (a net.Socket, or a tls.TLSSocket). */
type Stream = { write(...a: unknown[]): boolean; cork(): void; uncork(): void; sgCoalesced?: true };

/**
 * Commands written in one turn of the event loop leave in one system call: the first write of a turn corks the
 * connection's socket, and the end of the turn (process.nextTick, which runs once the promise continuations that
 * issue the other writes are done) uncorks it, so Node sends them with one writev. The processor evaluates 64
 * shops at once and their replies arrive together, so their next round trips are issued in the same turn:
 * Redis then reads them with one system call too. Measured (64 concurrent flows of two 3-command pipelines with
 * about 0.4 ms of work between, docs/bench.md): Redis CPU per flow 30–34 → 7–12 µs, the client's 402–409 →
 * 379–397 µs, the flow's wall time no longer. Every connection of the client, reconnections and a cluster's
 * nodes included, is coalesced.
 */
export function coalesceWrites(client: RedisClient): void {
  const patch = (node: Redis) => {
    const stream = (node as unknown as { stream?: Stream }).stream;
    if (!stream || stream.sgCoalesced) return;
    stream.sgCoalesced = true;
    const write = stream.write.bind(stream);
    let corked = false;
    stream.write = (...a: unknown[]) => {
      if (!corked) {
        corked = true;
        stream.cork();
        process.nextTick(() => {
          corked = false;
          stream.uncork();
        });
      }
      return write(...a);
    };
  };
  const watch = (node: Redis) => {
    node.on("connect", () => patch(node));
    patch(node);
  };
  if (isCluster(client)) client.on("+node", (node: Redis) => watch(node));
  else watch(client);
}
