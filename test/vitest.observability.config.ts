import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// `npm run test:observability`: the dashboards' panel queries against a real Prometheus scraping the running
// all-in-one process (*.obs.test.ts). Too slow for `npm test`, whose fast subset is the generator check and
// the promtool rule tests (infra/src/observability/*.unit.test.ts). Same Kafka and Redis as the int tests.
export default defineConfig({
  test: {
    root,
    include: ["{services,shared,infra,test}/**/*.obs.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["test/src/global-setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
  },
});
