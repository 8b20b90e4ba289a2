import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// `npm run test:failover`: replicated Kafka (3 brokers) and Redis (3 masters + 3 replicas) losing one node
// at a time under load. Not part of `npm test` (it starts five JVM-heavy minutes of its own); README says
// when to run it.
export default defineConfig({
  test: {
    root,
    include: ["test/failover/**/*.failover.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["test/failover/global-setup.ts"],
    testTimeout: 900_000,
    hookTimeout: 400_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
  },
});
