/**
 * Conformance suite: hand-computed cases from ../shared/spec/metrics.md and events.md, replayed through the
 * real pipeline with `npm run replay` (events.md "The `replay` command (contract)").
 *
 * Each case is `cases/NAME.jsonl` + `cases/NAME.expect.json` in the format of ../shared/tools/check_replay.py:
 * `{ at, why, config?, expect: { "platform:shop": { metrics, alerts, no_alerts } } }`. The comparison below
 * mirrors that checker: numbers within 1e-6 relative, everything else (null, strings) by equality, where an
 * expected null also accepts an absent field.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { casesDir, caseNames, compare, loadCase, type ReplayOutput } from "./cases.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Every case runs against the pure engine in conformance.unit.test.ts, in milliseconds. These few, one or more
 * per platform plus configuration overrides, out-of-order duplicates and a 30-day window, also run
 * through the real pipeline (Kafka, Redis, a spawned `replay`), end to end.
 */
const END_TO_END = [
  "dy-example-pickup",
  "jd-score-config-norms",
  "ks-example-chat-day",
  "ks-reply-out-of-order-dupes",
  "ks-window-30d",
  "pdd-example-overdue-refund",
  // The 2026 packs: `latest` across an effective date, a shop's named pack, review scores on the wire.
  "dy26-latest-straddle",
  "dy26-feige-response-imputed",
  "dy26-product-rating-and-unsatisfied",
  // pdd@2026: a refund clock that joins an after-sale with its order's signing.
  "pdd26-in-transit-refund",
  // Score bonuses and deductions as events: the window, the cap, revocations, duplicates, events over configuration.
  "dy26-bonus-deductions-window",
  // Calendars from `replay --config FILE`: deadline extensions (with after-sale kinds), excluded regions, a suspension.
  "cal-extend-deadline",
  "cal-exclude-regions",
  // Appeals: an approved exclusion taken out retroactively; a pending one with ifApproved (docs/exclusions.md).
  "excl-approved-retroactive",
  "excl-pending-unchanged",
  // A session's exclusions: approved (one in UTC), pending with ifApproved and its effect, rejected, naming nothing.
  "excl-session-approved",
];

/** Per case; a replay starts Kafka consumers and Redis state from scratch. */
const CASE_TIMEOUT_MS = 120_000;
/** Leave the test a few seconds to report a hung replay before vitest's own timeout. */
const REPLAY_KILL_MS = CASE_TIMEOUT_MS - 5_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runReplay(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // detached: npm starts tsx as a child; on a hang we kill the whole process group.
    const child = spawn("npm", ["run", "--silent", "replay", "--", ...args], {
      cwd: repoRoot,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch (err) {
          // The group may already be gone (ESRCH); anything else is worth seeing.
          if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
        }
      }
    }, REPLAY_KILL_MS);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

describe("conformance (hand-computed from shared/spec)", () => {
  it("has cases, and the end-to-end ones exist", () => {
    expect(caseNames.length).toBeGreaterThan(0);
    expect(caseNames).toEqual(expect.arrayContaining(END_TO_END));
  });

  // Concurrently: each replay is a process of its own with its own topics, key prefix and group (a random
  // run id), and most of its time is spent starting node and waiting on Kafka, not computing.
  it.concurrent.for(END_TO_END)("%s", { timeout: CASE_TIMEOUT_MS }, async (name, { expect }) => {
    const meta = loadCase(name);
    const args = ["--events", join(casesDir, `${name}.jsonl`), "--at", meta.at];
    let configDir: string | undefined;
    if (meta.config !== undefined) {
      configDir = mkdtempSync(join(tmpdir(), "sg-conformance-"));
      const configFile = join(configDir, "config.json");
      writeFileSync(configFile, JSON.stringify(meta.config));
      args.push("--config", configFile);
    }
    try {
      const r = await runReplay(args);
      expect(r.timedOut, `replay did not finish in ${REPLAY_KILL_MS} ms; stderr: ${r.stderr.slice(-500)}`).toBe(false);
      expect(r.code, `replay exit ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim().slice(-500)}`).toBe(0);
      let out: ReplayOutput;
      try {
        out = JSON.parse(r.stdout) as ReplayOutput;
      } catch (err) {
        throw new Error(`stdout is not one JSON document: ${JSON.stringify(r.stdout.slice(0, 300))}`, { cause: err });
      }
      // All mismatches at once, with the case's hand computation to read beside them.
      expect(compare(out, meta), meta.why ?? "").toEqual([]);
    } finally {
      if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
    }
  });
});
