// Global setup of `npm run test:failover` (test/vitest.failover.config.ts): a folder where each failover test
// records its counts, summed and printed when the run ends, as the faults project does. Each test file
// starts its own replicated Kafka and Redis (test/failover/replicated-infra.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSummary, readFaults, SUMMARY_DIR_ENV } from "../src/faults/summary.js";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "sg-failover-"));
  process.env[SUMMARY_DIR_ENV] = dir;
  return () => {
    const rows = readFaults(dir);
    if (rows.length > 0) process.stderr.write(`\n${formatSummary(rows)}\n\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
