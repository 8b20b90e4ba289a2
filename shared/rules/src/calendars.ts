import { calendarLists, type CalendarEntry, type Calendars } from "@sg/config";
import { loadRulePacks } from "./loader.js";
import type { MetricKind, RulePack } from "./schema.js";
import type { ScoreConfigIssue } from "./select.js";

/**
 * The start-up checks of `calendars` against the rule packs (docs/calendars.md), each naming its path:
 * every metric an entry names is a metric of one of the platform's packs; `extend_deadline` names metrics
 * that have a deadline; `stricter` lines are not looser than a pack's own line for the metric.
 */
export function calendarIssues(calendars: Calendars | undefined, packs = loadRulePacks()): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  for (const { path, platform, entries } of calendarLists(calendars)) {
    const own = [...packs.values()].filter((p) => p.platform === platform);
    const known = new Set(own.flatMap((p) => Object.keys(p.metrics)));
    const defs = (metric: string) => own.flatMap((p) => (p.metrics[metric] ? [{ pack: p, def: p.metrics[metric] }] : []));
    entries.forEach((entry, i) => {
      const at = [...path, i];
      for (const { metric, where } of named(entry)) {
        if (!known.has(metric)) {
          issues.push({
            path: [...at, ...where],
            message: `unknown metric "${metric}" for ${platform} (its packs: ${own.map((p) => p.id).join(", ")})`,
          });
          continue;
        }
        if (entry.rule === "extend_deadline" && !defs(metric).some(({ def }) => hasDeadline(def)))
          issues.push({ path: [...at, ...where], message: `"${metric}" has no deadline to extend in any ${platform} pack` });
        else if (entry.rule === "extend_deadline" && !defs(metric).some(({ def }) => EXTENDABLE_KINDS.has(def.kind)))
          issues.push({
            path: [...at, ...where],
            message: `"${metric}" (${kindsOf(defs(metric))}) is not one of the kinds whose deadline a calendar extends: ${[...EXTENDABLE_KINDS].join(", ")}`,
          });
        if (entry.rule === "exclude_regions" && !defs(metric).some(({ def }) => REGION_KINDS.has(def.kind)))
          issues.push({
            path: [...at, ...where],
            message: `"${metric}" (${kindsOf(defs(metric))}) is not an order timeliness metric whose orders carry regions: ${[...REGION_KINDS].join(", ")}`,
          });
        if (entry.rule === "stricter") issues.push(...looser(entry.lines[metric]!, defs(metric), [...at, ...where]));
      }
    });
  }
  return issues;
}

/** The metrics an entry names, with where it names them. */
function named(entry: CalendarEntry): { metric: string; where: (string | number)[] }[] {
  if (entry.rule === "stricter") return Object.keys(entry.lines).map((metric) => ({ metric, where: ["lines", metric] }));
  if (entry.metrics === "all") return [];
  return entry.metrics.map((metric, j) => ({ metric, where: ["metrics", j] }));
}

/**
 * The kinds whose items' deadline `extend_deadline` replaces (docs/calendars.md item 4). `buyer_reply_rate` has
 * a deadline but counts each buyer once over the window from all their rounds: not extended (a start-up error).
 */
export const EXTENDABLE_KINDS: ReadonlySet<MetricKind> = new Set([
  "pickup_rate",
  "overdue_refund_count",
  "business_time_rate",
  "reply_consumer_day",
  "first_response_sessions",
]);

/**
 * The order timeliness kinds `exclude_regions` leaves an order out of (item 5): their items are orders, whose
 * payment carries the regions (`order.paid` `shipFromRegion`, `shipToRegion`). Other items carry no region.
 */
export const REGION_KINDS: ReadonlySet<MetricKind> = new Set(["pickup_rate", "delivery_hours"]);

const kindsOf = (defs: { def: RulePack["metrics"][string] }[]) => [...new Set(defs.map((d) => d.def.kind))].join(", ");

/** The parameters that are an item's deadline: `deadline` (pickup, reply), `limit` (JD business time), `responseWithin` (JD sessions). */
export const DEADLINE_PARAMS = ["deadline", "limit", "responseWithin"] as const;

function hasDeadline(def: RulePack["metrics"][string]): boolean {
  return DEADLINE_PARAMS.some((p) => p in def.params);
}

function looser(
  line: { threshold?: number | undefined; target?: number | undefined },
  defs: { pack: RulePack; def: RulePack["metrics"][string] }[],
  at: (string | number)[],
): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  for (const { pack, def } of defs) {
    for (const which of ["threshold", "target"] as const) {
      const mine = line[which];
      const theirs = def[which];
      if (mine === undefined || theirs === null) continue;
      const isLooser = def.direction === "min" ? mine < theirs : mine > theirs;
      if (isLooser)
        issues.push({
          path: [...at, which],
          message: `${mine} is looser than ${pack.id}'s ${which} ${theirs} (direction ${def.direction}); a promotion's lines may only be stricter`,
        });
    }
  }
  return issues;
}
