import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { faultLedger, formatSummary, readFaults, shortfalls, SUMMARY_DIR_ENV, ZERO, type FaultRow } from "./summary.js";

const ok: FaultRow = {
  test: "ok",
  ...ZERO,
  faultsPlanned: 4,
  faultsInjected: 4,
  eventsAcknowledged: 100,
  eventsApplied: 100,
  alertsExpected: 3,
  alertsDelivered: 3,
  finished: true,
};

describe("fault summary", () => {
  const dirs: string[] = [];
  afterEach(() => {
    delete process.env[SUMMARY_DIR_ENV];
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("says 'no shortfall' when every count is met", () => {
    expect(shortfalls(ok)).toEqual([]);
    expect(formatSummary([ok])).toMatch(/\nno shortfall$/);
    expect(formatSummary([ok])).not.toContain("SHORTFALL");
  });

  it("prints each shortfall with its size, under its test and in the closing list", () => {
    const short: FaultRow = {
      ...ok,
      test: "short",
      faultsInjected: 3,
      eventsApplied: 88,
      alertsDelivered: 1,
      crashes: 1,
    };
    expect(shortfalls(short)).toEqual([
      "SHORTFALL: 1 of 4 planned faults not injected as planned",
      "SHORTFALL: 12 acknowledged events not applied",
      "SHORTFALL: 2 expected alerts not delivered",
      "SHORTFALL: 1 service process crashed on its own",
    ]);
    const text = formatSummary([ok, short]);
    expect(text).toContain("    SHORTFALL: 12 acknowledged events not applied");
    expect(text).toContain("4 problem(s):\n  short: SHORTFALL: 1 of 4 planned faults not injected as planned");
    expect(text).not.toContain("no shortfall");
    // The totals still add every row.
    expect(text).toContain("events acknowledged: 200, events applied: 188");
  });

  it("a test without planned faults counts none short; an unfinished test says so", () => {
    const { faultsPlanned: _, ...unplanned } = ok;
    expect(shortfalls({ ...unplanned, faultsInjected: 0 })).toEqual([]);
    expect(shortfalls({ ...ok, finished: false })).toEqual(["UNFINISHED: the test stopped before its last check (see its failure above)"]);
  });

  it("the ledger writes its row at once and on every change, before the test's assertions", () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-faults-unit-"));
    dirs.push(dir);
    process.env[SUMMARY_DIR_ENV] = dir;
    const ledger = faultLedger("processor sigkill");
    expect(readFaults(dir)).toEqual([{ test: "processor sigkill", ...ZERO, finished: false }]);
    ledger.set({ eventsAcknowledged: 10, eventsApplied: 7 });
    // A test that fails here (its assertion on the counts throws) leaves this row behind.
    expect(readFaults(dir)[0]).toMatchObject({ eventsAcknowledged: 10, eventsApplied: 7, finished: false });
    expect(formatSummary(readFaults(dir))).toContain("SHORTFALL: 3 acknowledged events not applied");
    ledger.set({ eventsApplied: 10 });
    ledger.finish();
    expect(readFaults(dir)).toEqual([{ test: "processor sigkill", ...ZERO, eventsAcknowledged: 10, eventsApplied: 10, finished: true }]);
    expect(formatSummary(readFaults(dir))).toMatch(/no shortfall$/);
  });
});
