import type { ShopScoreInputs } from "@sg/config";
import { toShanghaiIso, type ScoreAdjustments } from "@sg/events";
import type { ScoreModel } from "@sg/rules";
import type { ScoreEventFacts, ScoreGrant } from "./score-events.js";
import { tidy } from "./tables.js";

/** A grant that ended this long before asOf no longer speaks for its bonus (the configuration does again). */
export const GRANT_MEMORY_MS = 30 * 86_400_000;

export interface Adjusted {
  bonuses: number;
  deductions: number;
  adjustments: ScoreAdjustments;
  /** Bonus ids whose points the parameter table lacks (`bonusPoints.<id>`). */
  missingPoints: string[];
}

/**
 * Bonuses and deductions of a score, from the shop's events and its configuration (docs/scores.md
 * "Bonuses and deductions as events"):
 *
 * - **A bonus**: where the shop's events hold a grant of it (in force, or ended within the last 30 days),
 *   the events decide: it is earned while a grant is in force at asOf (with a share at or above the pack's
 *   `minShare`, where the bonus has one and the grant gives a share). Otherwise `scoreInputs.bonuses` decides.
 * - **A deduction part**: where the window holds a violation of that part (counted or revoked), the events'
 *   points replace the configured ones for that part; otherwise `scoreInputs.deductions`. The sum is capped.
 * - **Violations** (eligibility's lower fixed score): any violation the events count in the window, or the
 *   configuration's `violations` (default: configured deduction points above 0).
 */
export function adjustScore(
  model: ScoreModel,
  inputs: ShopScoreInputs | undefined,
  events: ScoreEventFacts | undefined,
  bonusPoints: Record<string, number> | undefined,
): Adjusted {
  const out: ScoreAdjustments = { bonuses: [], deductions: [], uncapped: 0, cap: model.deductions?.cap ?? null, violations: false };
  const missingPoints: string[] = [];
  let bonuses = 0;
  for (const [id, b] of Object.entries(model.bonuses ?? {})) {
    const points = b.points === "config" ? (bonusPoints?.[id] ?? null) : b.points;
    const grants = events ? (events.grants[id] ?? []).filter((g) => g.end === null || g.end > events.asOf - GRANT_MEMORY_MS) : [];
    if (grants.length > 0) {
      const earns = (g: ScoreGrant) => g.share === undefined || b.minShare === undefined || g.share >= b.minShare;
      const held = grants.filter((g) => g.from <= events!.asOf && (g.end === null || events!.asOf < g.end) && earns(g));
      if (held.length === 0) continue;
      // Of grants in force together, the one holding longest (then the highest share) is shown.
      const g = [...held].sort(
        (x, y) => (y.end ?? Infinity) - (x.end ?? Infinity) || (y.share ?? -1) - (x.share ?? -1) || x.from - y.from,
      )[0]!;
      const item: ScoreAdjustments["bonuses"][number] = {
        id,
        title: b.title,
        points,
        source: "event",
        from: toShanghaiIso(g.from),
        until: g.end === null ? null : toShanghaiIso(g.end),
      };
      if (g.share !== undefined) item.share = g.share;
      out.bonuses.push(item);
    } else {
      const got = inputs?.bonuses?.[id];
      const earned = typeof got === "number" ? (b.minShare !== undefined ? got >= b.minShare : got > 0) : got === true;
      if (!earned) continue;
      const item: ScoreAdjustments["bonuses"][number] = { id, title: b.title, points, source: "configuration" };
      if (typeof got === "number") item.share = got;
      out.bonuses.push(item);
    }
    if (points === null) missingPoints.push(id);
    else bonuses += points;
  }
  let uncapped = 0;
  let eventViolations = 0;
  let configured = 0;
  if (model.deductions) {
    for (const [part, p] of Object.entries(model.deductions.parts)) {
      const e = events?.deductions[part];
      if (e && e.count + e.revoked > 0) {
        eventViolations += e.count;
        if (e.count === 0) continue;
        const points = e.centi / 100;
        uncapped += points;
        out.deductions.push({ part, title: p.title, points, count: e.count, source: "event" });
      } else {
        const points = inputs?.deductions?.[part] ?? 0;
        if (points <= 0) continue;
        configured += points;
        uncapped += points;
        out.deductions.push({ part, title: p.title, points, source: "configuration" });
      }
    }
  }
  out.uncapped = tidy(uncapped);
  out.violations = eventViolations > 0 || (inputs?.violations ?? configured > 0);
  const deductions = model.deductions ? Math.min(out.uncapped, model.deductions.cap) : 0;
  return { bonuses: tidy(bonuses), deductions, adjustments: out, missingPoints };
}

/**
 * The moments after which the bonuses can change without a new event: each grant of a bonus the pack
 * declares starts, ends, and stops speaking for its bonus 30 days after its end. The evaluation wakes then
 * (a deduction's window rolls at midnight, when every shop is evaluated anyway).
 */
export function scoreEventWakes(model: ScoreModel | undefined, events: ScoreEventFacts | undefined): number[] {
  if (!model?.bonuses || !events) return [];
  const out: number[] = [];
  for (const id of Object.keys(model.bonuses))
    for (const g of events.grants[id] ?? []) {
      out.push(g.from);
      if (g.end !== null) out.push(g.end, g.end + GRANT_MEMORY_MS);
    }
  return out;
}

/**
 * adjustScore's sums alone (its `bonuses`, `deductions`, `adjustments.violations`, and whether `missingPoints`
 * has any), without the items it lists: the forecast's points read only the total (total.ts).
 */
export function adjustTotals(
  model: ScoreModel,
  inputs: ShopScoreInputs | undefined,
  events: ScoreEventFacts | undefined,
  bonusPoints: Record<string, number> | undefined,
): { bonuses: number; deductions: number; violations: boolean; missingPoints: boolean } {
  let missingPoints = false;
  let bonuses = 0;
  if (model.bonuses)
    for (const id in model.bonuses) {
      const b = model.bonuses[id]!;
      const points = b.points === "config" ? (bonusPoints?.[id] ?? null) : b.points;
      const grants = events?.grants[id];
      let remembered = false;
      let held = false;
      if (events && grants)
        for (let i = 0; i < grants.length; i++) {
          const g = grants[i]!;
          if (!(g.end === null || g.end > events.asOf - GRANT_MEMORY_MS)) continue;
          remembered = true;
          const earns = g.share === undefined || b.minShare === undefined || g.share >= b.minShare;
          if (g.from <= events.asOf && (g.end === null || events.asOf < g.end) && earns) held = true;
        }
      if (remembered) {
        if (!held) continue;
      } else {
        const got = inputs?.bonuses?.[id];
        const earned = typeof got === "number" ? (b.minShare !== undefined ? got >= b.minShare : got > 0) : got === true;
        if (!earned) continue;
      }
      if (points === null) missingPoints = true;
      else bonuses += points;
    }
  let uncapped = 0;
  let eventViolations = 0;
  let configured = 0;
  if (model.deductions) {
    for (const part in model.deductions.parts) {
      const e = events?.deductions[part];
      if (e && e.count + e.revoked > 0) {
        eventViolations += e.count;
        if (e.count === 0) continue;
        uncapped += e.centi / 100;
      } else {
        const points = inputs?.deductions?.[part] ?? 0;
        if (points <= 0) continue;
        configured += points;
        uncapped += points;
      }
    }
  }
  const violations = eventViolations > 0 || (inputs?.violations ?? configured > 0);
  const deductions = model.deductions ? Math.min(tidy(uncapped), model.deductions.cap) : 0;
  return { bonuses: tidy(bonuses), deductions, violations, missingPoints };
}
