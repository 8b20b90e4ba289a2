// A Redis Cluster for a test file that must run on one even in a plain `npm test`: the run's own Redis
// when the harness runs on a cluster (SG_TEST_REDIS=cluster), else three local masters of its own.
import { ensureRedisCluster } from "@sg/infra";
import { testInfra } from "./index.js";

export type TestCluster = { url: string; stop: () => Promise<void> };

export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:/i.test(url);
}

export async function testCluster(): Promise<TestCluster> {
  const { redisUrl } = testInfra();
  if (isClusterUrl(redisUrl)) return { url: redisUrl, stop: async () => undefined };
  const c = await ensureRedisCluster({ stopWithProcess: process.pid, log: (m) => process.stderr.write(`${m}\n`) });
  return { url: c.url, stop: c.stop };
}
