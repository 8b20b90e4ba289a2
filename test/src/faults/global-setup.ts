// Global setup of the faults project (test/vitest.config.ts): the int harness's Kafka and Redis, plus a
// folder where each fault test records its counts, summed and printed when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import harness from "../global-setup.js";
import { formatSummary, readFaults, SUMMARY_DIR_ENV } from "./summary.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "sg-faults-"));
  process.env[SUMMARY_DIR_ENV] = dir;
  const stopHarness = await harness(project);
  return async () => {
    const rows = readFaults(dir);
    if (rows.length > 0) process.stderr.write(`\n${formatSummary(rows)}\n\n`);
    rmSync(dir, { recursive: true, force: true });
    await stopHarness();
  };
}
