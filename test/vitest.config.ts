import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// Two tiers (style.md): *.unit.test.ts are pure; *.int.test.ts talk to the real Kafka and Redis that
// the global setup provides (env, testcontainers, or local processes started from infra/).
export default defineConfig({
  test: {
    root,
    projects: [
      {
        test: {
          name: "unit",
          root,
          include: ["{services,shared,infra,test}/**/*.unit.test.ts"],
          exclude: ["**/node_modules/**"],
          // Property tests run thousands of generated cases: seconds on a busy two-core machine, past the 5 s default.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "int",
          root,
          include: ["{services,shared,infra,test}/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["test/src/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Int files share one broker and one redis-server: run them one at a time in one fork.
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        // Real processes under faults (SIGKILLed Redis, restarted broker, killed services). `npm run
        // test:faults` runs only these; the global setup prints the summary of counts at the end.
        test: {
          name: "faults",
          root,
          include: ["{services,shared,infra,test}/**/*.fault.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["test/src/faults/global-setup.ts"],
          testTimeout: 240_000,
          hookTimeout: 180_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
