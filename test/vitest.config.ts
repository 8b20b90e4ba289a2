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
          // Worker threads, not forks: the forks pool runs the int files from the start of the run, and this
          // pool runs the unit files beside them (then the faults files, one at a time), instead of first.
          pool: "threads",
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
          // One at a time, in a worker thread: the threads pool runs beside the forks pool, so these files
          // (mostly waiting on kills and restarts of their own processes, brokers and redis-servers) overlap
          // the int files instead of queuing behind them. They share the int harness's Kafka and Redis only
          // through their own topics and keys, and restart only the brokers and redis-servers they started.
          pool: "threads",
          poolOptions: { threads: { singleThread: true } },
        },
      },
    ],
  },
});
