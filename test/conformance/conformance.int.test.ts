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
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const casesDir = fileURLToPath(new URL("./cases/", import.meta.url));

/** Per case; a replay starts Kafka consumers and Redis state from scratch. */
const CASE_TIMEOUT_MS = 120_000;
/** Leave the test a few seconds to report a hung replay before vitest's own timeout. */
const REPLAY_KILL_MS = CASE_TIMEOUT_MS - 5_000;
/** Same tolerance as check_replay.py (TOL). */
const TOL = 1e-6;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface ShopExpect {
  metrics?: Record<string, Record<string, Json>>;
  alerts?: [string, string, string][];
  no_alerts?: [string, string][];
}

interface CaseMeta {
  at: string;
  why?: string;
  config?: Json;
  expect: Record<string, ShopExpect>;
}

interface ReplayAlert {
  metric?: string;
  kind?: string;
  severity?: string;
  status?: string;
}

interface ReplayShop {
  metrics?: Record<string, Record<string, unknown>>;
  alerts?: ReplayAlert[];
}

interface ReplayOutput {
  shops?: Record<string, ReplayShop>;
}

const caseNames = readdirSync(casesDir)
  .filter((f) => f.endsWith(".expect.json"))
  .map((f) => f.slice(0, -".expect.json".length))
  .sort();

function loadCase(name: string): CaseMeta {
  return JSON.parse(readFileSync(join(casesDir, `${name}.expect.json`), "utf8")) as CaseMeta;
}

/** check_replay.py `close`: numbers within TOL relative (at least TOL absolute); anything else by equality. */
function close(actual: unknown, want: Json): boolean {
  if (typeof want === "number") {
    return typeof actual === "number" && Math.abs(actual - want) <= TOL * Math.max(1, Math.abs(want));
  }
  if (want === null) return actual === null || actual === undefined;
  return actual === want;
}

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

/** Every mismatch between the replay output and the case, one line each (empty when the case passes). */
function compare(out: ReplayOutput, meta: CaseMeta): string[] {
  const errs: string[] = [];
  for (const [shop, want] of Object.entries(meta.expect)) {
    const got = out.shops?.[shop];
    if (got === undefined) {
      errs.push(`shop ${shop} missing`);
      continue;
    }
    for (const [metric, fields] of Object.entries(want.metrics ?? {})) {
      const m = got.metrics?.[metric];
      if (m === undefined) {
        errs.push(`${shop} ${metric} missing`);
        continue;
      }
      for (const [field, v] of Object.entries(fields)) {
        if (!close(m[field], v)) {
          errs.push(`${shop} ${metric}.${field} = ${JSON.stringify(m[field])}, want ${JSON.stringify(v)}`);
        }
      }
    }
    const firing = (got.alerts ?? []).filter((a) => (a.status ?? "firing") === "firing");
    const firingText = JSON.stringify(firing.map((a) => [a.metric, a.kind, a.severity]));
    for (const [metric, kind, severity] of want.alerts ?? []) {
      if (!firing.some((a) => a.metric === metric && a.kind === kind && a.severity === severity)) {
        errs.push(`${shop} alert ${metric}/${kind}/${severity} not firing (firing: ${firingText})`);
      }
    }
    for (const [metric, kind] of want.no_alerts ?? []) {
      if (firing.some((a) => a.metric === metric && a.kind === kind)) {
        errs.push(`${shop} alert ${metric}/${kind} fires but should not`);
      }
    }
  }
  return errs;
}

describe("conformance (hand-computed from shared/spec)", () => {
  it("has cases", () => {
    expect(caseNames.length).toBeGreaterThan(0);
  });

  it.each(caseNames)(
    "%s",
    async (name) => {
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
    },
    CASE_TIMEOUT_MS,
  );
});
