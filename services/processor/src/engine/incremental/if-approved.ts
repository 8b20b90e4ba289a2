import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../evaluate.js";
import type { ShopAggregates } from "./measure.js";

/**
 * `ifApproved` in engine v2 (docs/exclusions.md 4): the shop evaluated once more on the aggregates as they
 * would be should every pending exclusion be approved. An entity with a pending exclusion adds its amounts of
 * the metrics it covers under `p<field>` and marks its pending items (exclusions.ts), so the approved view is:
 * each `<metric>|<field>` less its `p<field>`, moved to `x<field>`, without the marked pending items.
 *
 * A metric reports `ifApproved` when a pending exclusion names it (or every metric) and names an entity
 * whose items it counts: `cur` `<metric>|pe` counts them; the score reports it when the shop has any such
 * (`all|pe`).
 */

/** The aggregates should every pending exclusion be approved, or undefined when no exclusion is pending. */
export function approvedView(a: ShopAggregates): ShopAggregates | undefined {
  if (Number(a.cur["all|pe"] ?? 0) <= 0) return undefined;
  const days = new Map<number, Record<string, string>>();
  for (const [day, fields] of a.days) {
    const out: Record<string, string> = { ...fields };
    for (const [k, v] of Object.entries(fields)) {
      const bar = k.indexOf("|");
      const field = k.slice(bar + 1);
      if (field[0] !== "p" || field === "pe") continue;
      const metric = k.slice(0, bar);
      const base = `${metric}|${field.slice(1)}`;
      const moved = `${metric}|x${field.slice(1)}`;
      out[base] = String(Number(out[base] ?? 0) - Number(v));
      out[moved] = String(Number(out[moved] ?? 0) + Number(v));
    }
    days.set(day, out);
  }
  const cur: Record<string, string> = { ...a.cur };
  for (const [k, v] of Object.entries(a.cur)) {
    if (!k.endsWith("~p")) continue;
    const base = k.slice(0, -2);
    cur[base] = String(Number(cur[base] ?? 0) - Number(v));
  }
  return { ...a, days, cur, pending: a.pending.filter((p) => p.appealed !== true) };
}

/** Adds `ifApproved` to the metrics and the score of `ev` from the evaluation of the approved view. */
export function addIfApproved(
  ev: ShopEvaluation,
  approved: ShopEvaluation,
  a: ShopAggregates,
  pack: RulePack,
  slots: ReadonlyMap<string, number> | undefined,
): void {
  const names = Object.keys(pack.metrics);
  names.forEach((name, index) => {
    const slot = slots?.get(name) ?? index;
    const pending = Number(a.cur[`${slot}|pe`] ?? 0);
    const now = ev.snapshot.metrics[name];
    const then = approved.snapshot.metrics[name];
    if (pending <= 0 || !now || !then) return;
    now.ifApproved = {
      value: then.value,
      ...(then.numerator === undefined ? {} : { numerator: then.numerator }),
      ...(then.denominator === undefined ? {} : { denominator: then.denominator }),
      status: then.status,
      pending,
    };
  });
  const all = Number(a.cur["all|pe"] ?? 0);
  if (all > 0) ev.pendingExclusionCount = all;
  const scores = ev.snapshot.scores;
  if (scores && approved.snapshot.scores) {
    const s = approved.snapshot.scores;
    scores.ifApproved = {
      total: s.total,
      ...(s.stars === undefined ? {} : { stars: s.stars }),
      pending: all,
    };
  }
}
