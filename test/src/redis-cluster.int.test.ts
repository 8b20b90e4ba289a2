// The Redis Cluster plumbing, on a real 3-master cluster in every `npm test`: the factory,
// Lua scripts, pipelines grouped by node (also across a slot that moves), and prefix cleanup.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callLuaScript,
  Cluster,
  createRedis,
  defineLuaScripts,
  deleteByPrefix,
  keySlot,
  pipelineByNode,
  queueLuaScript,
  type NodeCall,
  type Redis,
  type RedisNode,
} from "@sg/redis";
import { isClusterUrl, testCluster, testInfra, uniqueName, type TestCluster } from "./index.js";

describe("Redis Cluster plumbing", () => {
  let cluster: TestCluster;
  let redis: Cluster;
  beforeAll(async () => {
    cluster = await testCluster();
    const client: Redis = createRedis(cluster.url);
    if (!(client instanceof Cluster)) throw new Error(`createRedis(${cluster.url}) did not build a cluster client`);
    redis = client;
    await redis.ping();
  });
  afterAll(async () => {
    await redis?.quit();
    await cluster?.stop();
  });

  const shops = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}:{test:shop${i}}:counter`);

  it("sees three masters, and shop keys spread over all of them", async () => {
    const masters = redis.nodes("master");
    expect(masters).toHaveLength(3);
    const nodesUsed = new Set(shops("x", 60).map((k) => redis.slots[keySlot(k)]?.[0]));
    expect(nodesUsed.size).toBe(3);
  });

  it("runs Lua scripts, and one pipeline per node for a batch of many shops, replies in order", async () => {
    defineLuaScripts(redis, new URL("./fixtures/lua/", import.meta.url));
    const prefix = uniqueName("sg-cluster");
    const keys = shops(prefix, 200);
    expect(await callLuaScript(redis, "addToCounter", [keys[0]!], [1])).toEqual([1, 1]);

    // A plain cluster pipeline refuses keys served by different nodes: why pipelineByNode exists.
    const plain = redis.pipeline();
    for (const k of keys) queueLuaScript(plain, "addToCounter", [k], [1]);
    await expect(plain.exec()).rejects.toThrow(/same slots allocation group|same slot/);

    let pipelines = 0;
    const counted = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === "pipeline") pipelines++;
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const calls: NodeCall[] = keys.map((k, i) => ({ keys: [k], queue: (p) => queueLuaScript(p, "addToCounter", [k], [i]) }));
    const replies = await pipelineByNode(counted, calls);
    expect(pipelines).toBe(3);
    expect(replies).toEqual(keys.map((_, i) => [null, i === 0 ? [1, 1] : [i, i]]));
    expect(await deleteByPrefix(redis, prefix)).toBe(200);
    expect(await redis.exists(keys[0]!)).toBe(0);
  });

  it("sends again the calls of a slot that moved to another node since the client read the slot table", async () => {
    const prefix = uniqueName("sg-move");
    const keys = shops(prefix, 120);
    await pipelineByNode(
      redis,
      keys.map((k) => ({ keys: [k], queue: (p) => p.set(k, "v0") })),
    );
    // Move the slot of the first key to another master, behind the client's back (as a resharding does).
    const slot = keySlot(keys[0]!);
    const source = redis.slots[slot]![0]!;
    const masters = redis.nodes("master");
    const nodeOf = (key: string) => masters.find((m) => `${m.options.host}:${m.options.port}` === key)!;
    const from: RedisNode = nodeOf(source);
    const to: RedisNode = masters.find((m) => m !== from)!;
    const idOf = async (n: RedisNode) => String(await n.call("CLUSTER", "MYID"));
    const [fromId, toId] = [await idOf(from), await idOf(to)];
    await to.call("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
    await from.call("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    const inSlot = (await from.call("CLUSTER", "GETKEYSINSLOT", slot, 1000)) as string[];
    expect(inSlot).toContain(keys[0]);
    await from.call("MIGRATE", to.options.host!, to.options.port!, "", 0, 5000, "KEYS", ...inSlot);
    for (const m of masters) await m.call("CLUSTER", "SETSLOT", slot, "NODE", toId);
    expect(redis.slots[slot]![0]).toBe(source); // the client has not noticed yet

    const replies = await pipelineByNode(
      redis,
      keys.map((k) => ({ keys: [k], queue: (p) => p.get(k) })),
    );
    expect(replies).toEqual(keys.map(() => [null, "v0"]));
    expect(redis.slots[slot]![0]).toBe(`${to.options.host}:${to.options.port}`);
    expect(await deleteByPrefix(redis, prefix)).toBe(120);
  });
});

describe("pipelineByNode on one node", () => {
  it("is a single pipeline, replies in order", async (ctx) => {
    const { redisUrl } = testInfra();
    if (isClusterUrl(redisUrl)) ctx.skip();
    const redis = createRedis(redisUrl);
    try {
      let pipelines = 0;
      const counted = new Proxy(redis, {
        get(target, prop, receiver) {
          if (prop === "pipeline") pipelines++;
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const prefix = uniqueName("sg-node");
      const keys = Array.from({ length: 50 }, (_, i) => `${prefix}:{s${i}}:v`);
      await pipelineByNode(
        counted,
        keys.map((k, i) => ({ keys: [k], queue: (p) => p.set(k, String(i)) })),
      );
      const replies = await pipelineByNode(
        counted,
        keys.map((k) => ({ keys: [k], queue: (p) => p.get(k) })),
      );
      expect(pipelines).toBe(2);
      expect(replies).toEqual(keys.map((_, i) => [null, String(i)]));
      expect(await deleteByPrefix(redis, prefix)).toBe(50);
    } finally {
      redis.disconnect();
    }
  });
});
