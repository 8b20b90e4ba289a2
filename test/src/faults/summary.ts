// The counts every fault test reports (issue 9 "What proves it"); the faults project's global setup adds
// them up and prints one summary at the end of the run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FaultCounts {
  faultsInjected: number;
  eventsAcknowledged: number;
  eventsApplied: number;
  alertsExpected: number;
  alertsDelivered: number;
  /** Service processes that died on their own (not killed by the test). Must be 0. */
  crashes: number;
}

export const ZERO: FaultCounts = {
  faultsInjected: 0,
  eventsAcknowledged: 0,
  eventsApplied: 0,
  alertsExpected: 0,
  alertsDelivered: 0,
  crashes: 0,
};

/** Set by the faults global setup; the test workers inherit it. */
export const SUMMARY_DIR_ENV = "SG_FAULTS_SUMMARY_DIR";

/** Records one test's counts (call it once per test, after its assertions ran, pass or fail). */
export function recordFaults(test: string, counts: FaultCounts): void {
  const dir = process.env[SUMMARY_DIR_ENV];
  if (!dir) return; // run outside the faults project (e.g. a single file under another config)
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${test.replace(/[^\w.-]+/g, "_")}.json`), `${JSON.stringify({ test, ...counts })}\n`);
}

export function readFaults(dir: string): (FaultCounts & { test: string })[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FaultCounts & { test: string });
}

export function formatSummary(rows: (FaultCounts & { test: string })[]): string {
  const total = rows.reduce<FaultCounts>(
    (t, r) => ({
      faultsInjected: t.faultsInjected + r.faultsInjected,
      eventsAcknowledged: t.eventsAcknowledged + r.eventsAcknowledged,
      eventsApplied: t.eventsApplied + r.eventsApplied,
      alertsExpected: t.alertsExpected + r.alertsExpected,
      alertsDelivered: t.alertsDelivered + r.alertsDelivered,
      crashes: t.crashes + r.crashes,
    }),
    { ...ZERO },
  );
  const line = (name: string, c: FaultCounts) =>
    `${name.padEnd(34)} faults ${String(c.faultsInjected).padStart(3)}  acknowledged ${String(c.eventsAcknowledged).padStart(5)}  applied ${String(c.eventsApplied).padStart(5)}  alerts expected ${String(c.alertsExpected).padStart(3)}  delivered ${String(c.alertsDelivered).padStart(3)}  crashes ${c.crashes}`;
  return [
    "fault summary",
    ...rows.map((r) => line(r.test, r)),
    line("TOTAL", total),
    `faults injected: ${total.faultsInjected}, events acknowledged: ${total.eventsAcknowledged}, events applied: ${total.eventsApplied}, alerts expected: ${total.alertsExpected}, alerts delivered: ${total.alertsDelivered}, crashes: ${total.crashes}`,
  ].join("\n");
}
