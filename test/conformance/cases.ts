/**
 * The conformance cases (cases/NAME.jsonl + NAME.expect.json, in the format of ../shared/tools/check_replay.py)
 * and the one comparison both tiers use: the unit tier runs them against the pure engine, the int tier a
 * handful through `replay` end to end. Numbers within 1e-6 relative, everything else (null, strings) by
 * equality, where an expected null also accepts an absent field.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const casesDir = fileURLToPath(new URL("./cases/", import.meta.url));

/** Same tolerance as check_replay.py (TOL). */
const TOL = 1e-6;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface ShopExpect {
  metrics?: Record<string, Record<string, Json>>;
  alerts?: [string, string, string][];
  no_alerts?: [string, string][];
  /**
   * The evidence API's items (docs/evidence.md), per metric and outcome, newest first: each entry lists the
   * fields that must match (`id` at least); the list must have exactly these items. evidence.unit.test.ts.
   */
  evidence?: Record<string, Partial<Record<"bad" | "good" | "pending" | "excluded", Record<string, Json>[]>>>;
  /**
   * Fields of the shop's `scores` that must match (`bonuses`, `deductions`, `adjustments`: what the reference
   * restates, docs/scores.md "Bonuses and deductions as events"): an object by the keys it lists, an array
   * element by element with the same length. check_replay.py ignores it.
   */
  scores?: Record<string, Json>;
  /** The snapshot's `pendingExclusions` (docs/exclusions.md), in order: exactly these, each with the fields given (`a.b` for nested). */
  pendingExclusions?: Record<string, Json>[];
}

export interface CaseMeta {
  at: string;
  why?: string;
  /** Where the rule the case checks is stated (the cases of the 2026 packs give it). */
  source?: string;
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
  /** A metric's fields; `object` so the engine's typed `MetricOutput` fits as well as parsed JSON. */
  metrics?: Record<string, object>;
  alerts?: ReplayAlert[];
  scores?: object;
  pendingExclusions?: object[];
}

export interface ReplayOutput {
  shops?: Record<string, ReplayShop>;
}

export const caseNames = readdirSync(casesDir)
  .filter((f) => f.endsWith(".expect.json"))
  .map((f) => f.slice(0, -".expect.json".length))
  .sort();

export function loadCase(name: string): CaseMeta {
  return JSON.parse(readFileSync(join(casesDir, `${name}.expect.json`), "utf8")) as CaseMeta;
}

/** check_replay.py `close`: numbers within TOL relative (at least TOL absolute); anything else by equality. */
function close(actual: unknown, want: Json): boolean {
  if (typeof want === "number") {
    return typeof actual === "number" && Math.abs(actual - want) <= TOL * Math.max(1, Math.abs(want));
  }
  if (want === null) return actual === null || actual === undefined;
  // A whole object (`ifApproved: {…}`, as shared/tools/check_replay.py compares it): each of its fields.
  if (typeof want === "object") return deepMismatches(actual, want, "").length === 0;
  return actual === want;
}

/** `want`'s fields within `actual`, as `close` compares them; the mismatches, each with its path. */
function deepMismatches(actual: unknown, want: Json, path: string): string[] {
  if (Array.isArray(want)) {
    if (!Array.isArray(actual) || actual.length !== want.length)
      return [`${path} = ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`];
    return want.flatMap((w, i) => deepMismatches(actual[i], w, `${path}[${i}]`));
  }
  if (want !== null && typeof want === "object") {
    if (actual === null || typeof actual !== "object") return [`${path} = ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`];
    return Object.entries(want).flatMap(([k, w]) => deepMismatches((actual as Record<string, unknown>)[k], w, `${path}.${k}`));
  }
  return close(actual, want) ? [] : [`${path} = ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`];
}

/** Every mismatch between the replay output and the case, one line each (empty when the case passes). */
export function compare(out: ReplayOutput, meta: CaseMeta): string[] {
  const errs: string[] = [];
  for (const [shop, want] of Object.entries(meta.expect)) {
    const got = out.shops?.[shop];
    if (got === undefined) {
      errs.push(`shop ${shop} missing`);
      continue;
    }
    for (const [metric, fields] of Object.entries(want.metrics ?? {})) {
      const m = got.metrics?.[metric] as Record<string, unknown> | undefined;
      if (m === undefined) {
        errs.push(`${shop} ${metric} missing`);
        continue;
      }
      for (const [field, v] of Object.entries(fields)) {
        // `a.b`: a field of a nested object (`ifApproved.value`).
        const got = field.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], m);
        if (!close(got, v)) {
          errs.push(`${shop} ${metric}.${field} = ${JSON.stringify(got)}, want ${JSON.stringify(v)}`);
        }
      }
    }
    if (want.scores !== undefined) errs.push(...deepMismatches(got.scores, want.scores, `${shop} scores`));
    if (want.pendingExclusions !== undefined) {
      const list = got.pendingExclusions ?? [];
      if (list.length !== want.pendingExclusions.length)
        errs.push(`${shop} pendingExclusions: ${list.length} listed, want ${want.pendingExclusions.length}`);
      want.pendingExclusions.forEach((fields, i) => {
        for (const [field, v] of Object.entries(fields)) {
          const at = field.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], list[i]);
          if (!close(at, v)) errs.push(`${shop} pendingExclusions[${i}].${field} = ${JSON.stringify(at)}, want ${JSON.stringify(v)}`);
        }
      });
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
