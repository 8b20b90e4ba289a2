// The counts every fault test reports; the faults project's global setup adds them up and prints one summary
// at the end of the run. A test records its counts as soon as it knows them, before it asserts anything on
// them, so a run whose assertions fail still shows what fell short, and by how much.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FaultCounts {
  /** Faults the test meant to inject; unset when every attempt counts (then there is nothing to fall short of). */
  faultsPlanned?: number;
  /** Faults injected as planned (e.g. a kill that landed inside its window). */
  faultsInjected: number;
  eventsAcknowledged: number;
  eventsApplied: number;
  alertsExpected: number;
  alertsDelivered: number;
  /** Service processes that died on their own (not killed by the test). Must be 0. */
  crashes: number;
}

/** One test's row: its counts, and whether it reached its last check. */
export interface FaultRow extends FaultCounts {
  test: string;
  finished: boolean;
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

/** A test's counts, written to the summary folder each time they change. */
export interface FaultLedger {
  readonly counts: Readonly<FaultCounts>;
  /** Merges `counts` into the row and writes it at once: call it before asserting on them. */
  set(counts: Partial<FaultCounts>): void;
  /** Marks the row finished: every check of the test ran and passed. */
  finish(): void;
}

/**
 * Opens a test's row (all counts zero, not finished) and writes it at once, so a test that stops early still
 * shows in the summary. Outside the faults project (no summary folder) the rows are kept in memory only.
 */
export function faultLedger(test: string): FaultLedger {
  const row: FaultRow = { test, ...ZERO, finished: false };
  const write = () => {
    const dir = process.env[SUMMARY_DIR_ENV];
    if (!dir) return; // run outside the faults project (e.g. a single file under another config)
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${test.replace(/[^\w.-]+/g, "_")}.json`), `${JSON.stringify(row)}\n`);
  };
  write();
  return {
    get counts() {
      return row;
    },
    set(counts) {
      Object.assign(row, counts);
      write();
    },
    finish() {
      row.finished = true;
      write();
    },
  };
}

export function readFaults(dir: string): FaultRow[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FaultRow);
}

/** What a row fell short of, one sentence each; empty when nothing did. */
export function shortfalls(r: FaultRow): string[] {
  const out: string[] = [];
  const short = (missing: number, what: string) => {
    if (missing > 0) out.push(`SHORTFALL: ${missing} ${what}`);
  };
  if (r.faultsPlanned !== undefined)
    short(r.faultsPlanned - r.faultsInjected, `of ${r.faultsPlanned} planned faults not injected as planned`);
  short(r.eventsAcknowledged - r.eventsApplied, "acknowledged events not applied");
  short(r.alertsExpected - r.alertsDelivered, "expected alerts not delivered");
  short(r.crashes, r.crashes === 1 ? "service process crashed on its own" : "service processes crashed on their own");
  if (!r.finished) out.push("UNFINISHED: the test stopped before its last check (see its failure above)");
  return out;
}

export function formatSummary(rows: FaultRow[]): string {
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
  const problems = rows.flatMap((r) => shortfalls(r).map((s) => `${r.test}: ${s}`));
  return [
    "fault summary",
    ...rows.flatMap((r) => [line(r.test, r), ...shortfalls(r).map((s) => `${"".padEnd(4)}${s}`)]),
    line("TOTAL", total),
    `faults injected: ${total.faultsInjected}, events acknowledged: ${total.eventsAcknowledged}, events applied: ${total.eventsApplied}, alerts expected: ${total.alertsExpected}, alerts delivered: ${total.alertsDelivered}, crashes: ${total.crashes}`,
    problems.length === 0 ? "no shortfall" : `${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join("\n")}`,
  ].join("\n");
}
