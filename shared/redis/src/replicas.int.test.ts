import { afterAll, describe, expect, it } from "vitest";
import { testInfra, uniqueName } from "../../../test/src/index.js";
import { createRedis } from "./client.js";
import { createReplicaGate, ReplicaAckError, waitForReplicas } from "./replicas.js";

// The int harness's Redis has no replica (a single server or a cluster of masters): a wait for one replica
// must fall short there, and a wait for none must not ask at all.
describe("waiting for Redis replicas", () => {
  const redis = createRedis(testInfra().redisUrl);
  afterAll(() => redis.disconnect());

  it("is off at 0 replicas, and throws ReplicaAckError when fewer replicas than asked hold the writes", async () => {
    const key = `${uniqueName("replicas")}:{k}`;
    await redis.set(key, "1", "EX", 60);
    await expect(waitForReplicas(redis, { minReplicas: 0, timeoutMs: 50 })).resolves.toBeUndefined();
    const err = await waitForReplicas(redis, { minReplicas: 1, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicaAckError);
    expect((err as ReplicaAckError).acked).toBe(0);
    expect((err as ReplicaAckError).wanted).toBe(1);
  });

  it("a gate reports unhealthy after a shortfall, and each failure to its hook", async () => {
    const failures: ReplicaAckError[] = [];
    const gate = createReplicaGate(redis, { minReplicas: 1, timeoutMs: 50 }, { onFailure: (e) => failures.push(e) });
    expect(await gate.healthy()).toBe(true);
    await expect(gate.wait()).rejects.toBeInstanceOf(ReplicaAckError);
    expect(failures.length).toBeGreaterThan(0);
    expect(await gate.healthy()).toBe(false);
  });
});
