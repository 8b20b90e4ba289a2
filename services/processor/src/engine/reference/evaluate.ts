import {
  SNAPSHOT_DUE_LIMIT,
  toShanghaiIso,
  type CanonicalEvent,
  type DueItem,
  type FiringAlert,
  type MetricOutput,
  type PendingExclusion,
  type Platform,
} from "@sg/events";
import { durationMs, packForChoice, type MetricDef, type RulePack } from "@sg/rules";
import { DAY, dayStart, windowRange } from "../calendar.js";
import { shopFacts } from "./facts.js";
import { APPLIED_SCOPES, exclusionsOf, factsWithout, numeratorOnly, reachesMetric, type RefExclusion } from "./exclusion-rules.js";
import { metricCalendar, stricterLine, type ReferenceCalendars } from "./calendar-rules.js";
import { judge, type Judged, type Lines } from "./judge.js";
import { referenceAdjustments, type ReferenceAdjustments, type ReferenceScoreConfig } from "./score-adjustments.js";
import { MEASURES, type MeasureContext, type Measurement } from "./measures.js";

/** A shop's configuration overrides (configuration `shops`): per-metric lines and lead time, JD's service norms. */
export interface ReferenceOverrides {
  metrics?: Record<
    string,
    { threshold?: number | null; target?: number | null; leadTime?: number | string; exclusionLeaves?: "both" | "numerator" } | undefined
  >;
  jdServiceNorms?: number;
  /** The shop's pack choice (`latest` or a pack id); absent: the contract-v1 pack. */
  pack?: string | undefined;
  /** What the score's bonuses and deductions read of the configuration (score-adjustments.ts). */
  score?: ReferenceScoreConfig | undefined;
}

export interface ReferenceEvaluation {
  /** `replay`'s shop entry (events.md). */
  snapshot: {
    platform: Platform;
    shopId: string;
    rulePack: string;
    metrics: Record<string, MetricOutput>;
    alerts: FiringAlert[];
    /** Only a score's bonuses and deductions (packs that declare either): the rest of a score is not restated here. */
    scores?: ReferenceAdjustments;
    pendingExclusions?: PendingExclusion[];
  };
  /** The next moment after asOf at which the result changes without a new event (at the latest, the next midnight). */
  nextWake: number;
  /** Pending items of every metric, soonest deadline first (then metric, then id), at most SNAPSHOT_DUE_LIMIT. */
  due: DueItem[];
}

function linesOf(
  name: string,
  def: MetricDef,
  shop: ReferenceOverrides,
  calendar: { threshold?: number; target?: number } | undefined,
): Lines {
  const o = shop.metrics?.[name];
  const lead = o?.leadTime ?? def.leadTime;
  return {
    threshold: stricterLine(def.direction, o?.threshold !== undefined ? o.threshold : def.threshold, calendar?.threshold),
    target: stricterLine(def.direction, o?.target !== undefined ? o.target : def.target, calendar?.target),
    leadMs: lead === undefined ? 0 : typeof lead === "number" ? lead : durationMs(lead),
  };
}

function measure(def: MetricDef, ctx: MeasureContext): Measurement {
  return (MEASURES[def.kind] as (d: MetricDef, c: MeasureContext) => Measurement)(def, ctx);
}

/** A metric measured without the items its exclusions take out (exclusion-rules.ts). */
function measureExcluding(
  name: string,
  def: MetricDef,
  ctx: MeasureContext,
  exclusions: readonly RefExclusion[],
  shop: { exclusionLeaves?: "both" | "numerator" } | undefined,
): Measurement {
  const facts = factsWithout(ctx.facts, name, def, exclusions);
  if (facts === ctx.facts) return measure(def, ctx);
  const without = measure(def, { ...ctx, facts });
  if (!numeratorOnly(def, shop)) return without;
  // Numerator only: the excluded items stay in the denominator.
  const withAll = measure(def, ctx);
  const numerator = without.numerator ?? 0;
  const denominator = withAll.denominator ?? 0;
  return { ...without, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/**
 * The independent reference model: every metric of the shop's rule pack at `asOf`, from all of the shop's
 * events (any order, duplicates allowed), restated from metrics.md and events.md over the full history.
 * Slow on purpose: it is the plain reading of the spec that the shipping engine is tested against.
 */
export function referenceEvaluate(input: {
  platform: Platform;
  shopId: string;
  events: readonly CanonicalEvent[];
  asOf: number;
  shop?: ReferenceOverrides;
  pack?: RulePack;
  /** The configuration's `calendars` (docs/calendars.md); absent: none. */
  calendars?: ReferenceCalendars;
}): ReferenceEvaluation {
  const exclusions = exclusionsOf(input.events, input.asOf);
  const out = evaluateExcluding(
    input,
    exclusions.filter((x) => x.state === "approved"),
  );
  // Should every pending exclusion be approved (docs/exclusions.md 4): the same evaluation with them approved.
  const pending = exclusions.filter((x) => x.state === "pending" && APPLIED_SCOPES.has(x.scope));
  if (pending.length === 0) return out;
  const then = evaluateExcluding(input, [...exclusions.filter((x) => x.state === "approved"), ...pending]);
  const pack = input.pack ?? packForChoice(input.platform, input.shop?.pack, toShanghaiIso(input.asOf).slice(0, 10));
  for (const [name, def] of Object.entries(pack.metrics)) {
    const count = pending.filter((x) => reachesMetric(x, def) && (x.metrics === undefined || x.metrics.includes(name))).length;
    const m = then.snapshot.metrics[name];
    if (count === 0 || !m) continue;
    out.snapshot.metrics[name]!.ifApproved = {
      value: m.value,
      ...(m.numerator === undefined ? {} : { numerator: m.numerator }),
      ...(m.denominator === undefined ? {} : { denominator: m.denominator }),
      status: m.status,
      pending: count,
    };
  }
  // Each pending exclusion alone approved: the values of the metrics it reaches (the board's pending appeals).
  const key = (x: RefExclusion) => [x.requestedAt ?? x.at, x.scope, x.itemId, x.consumerId ?? "", x.exclusionId ?? ""] as const;
  const cmp = (a: RefExclusion, b: RefExclusion) => {
    const [p, q] = [key(a), key(b)];
    for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i]! < q[i]! ? -1 : 1;
    return 0;
  };
  out.snapshot.pendingExclusions = [...pending]
    .sort(cmp)
    .slice(0, PENDING_LISTED)
    .map((x) => {
      const alone = evaluateExcluding(input, [...exclusions.filter((y) => y.state === "approved"), x]);
      const effect: Record<string, number | null> = {};
      for (const [name, def] of Object.entries(pack.metrics))
        if (reachesMetric(x, def) && (x.metrics === undefined || x.metrics.includes(name)))
          effect[name] = alone.snapshot.metrics[name]!.value;
      return {
        scope: x.scope,
        itemId: x.itemId,
        ...(x.consumerId === undefined ? {} : { consumerId: x.consumerId }),
        ...(x.exclusionId === undefined ? {} : { exclusionId: x.exclusionId }),
        reason: x.reason,
        requestedAt: toShanghaiIso(x.requestedAt ?? x.at),
        effect,
      };
    });
  return out;
}

/** At most this many pending exclusions are listed with their effect, the soonest requested first. */
const PENDING_LISTED = 20;

function evaluateExcluding(input: Parameters<typeof referenceEvaluate>[0], approved: readonly RefExclusion[]): ReferenceEvaluation {
  const { asOf } = input;
  const shop = input.shop ?? {};
  // The pack in force on the evaluated day: the whole window is measured under it.
  const pack = input.pack ?? packForChoice(input.platform, shop.pack, toShanghaiIso(asOf).slice(0, 10));
  const facts = shopFacts(input.events, asOf);
  const others: MeasureContext["others"] = new Map();
  const judged = new Map<string, { def: MetricDef; lines: Lines; measured: Measurement; j: Judged }>();
  // service_score reads the other metrics' results: measure it after them.
  const names = Object.keys(pack.metrics);
  const order = [
    ...names.filter((n) => pack.metrics[n]!.kind !== "jd_service_score"),
    ...names.filter((n) => pack.metrics[n]!.kind === "jd_service_score"),
  ];
  for (const name of order) {
    const def = pack.metrics[name]!;
    const cal = metricCalendar(input.calendars, input, name, asOf, def.kind === "buyer_reply_rate", {
      // The kinds whose deadline an extension replaces, and the order timeliness kinds regions leave out (docs/calendars.md).
      extend: ["pickup_rate", "overdue_refund_count", "business_time_rate", "reply_consumer_day", "first_response_sessions"].includes(
        def.kind,
      ),
      regions: def.kind === "pickup_rate" || def.kind === "delivery_hours",
    });
    const lines = linesOf(name, def, shop, cal.lines);
    const range = windowRange(def.window, asOf);
    const ctx: MeasureContext = {
      facts,
      asOf,
      window: { ...range, suspended: cal.suspended, deadline: cal.deadline, regionExcluded: cal.regionExcluded },
      others,
    };
    if (shop.jdServiceNorms !== undefined) ctx.jdServiceNorms = shop.jdServiceNorms;
    const measured = measureExcluding(name, def, ctx, approved, shop.metrics?.[name]);
    const j = judge(def, lines, measured, asOf);
    // A `now` window is assessed on asOf's date.
    const date = (t: number) => toShanghaiIso(Number.isFinite(t) ? t : asOf).slice(0, 10);
    if (cal.sampleIn(date(range.start), date(Number.isFinite(range.end) ? range.end - 1 : asOf))) j.output.sample = true;
    judged.set(name, { def, lines, measured, j });
    others.set(name, {
      value: j.output.value,
      ...(j.output.denominator === undefined ? {} : { denominator: j.output.denominator }),
      target: lines.target,
    });
  }

  // While the dispute rule is in breach, the metrics it names carry its score cap.
  for (const { def, j } of judged.values()) {
    if (def.kind !== "dispute_rate" || j.output.status !== "breach") continue;
    for (const capped of def.params.capMetrics) {
      const c = judged.get(capped);
      if (c) c.j.output.scoreCap = def.params.scoreCap;
    }
  }

  const metrics: Record<string, MetricOutput> = {};
  const alerts: FiringAlert[] = [];
  const due: DueItem[] = [];
  let nextWake = dayStart(asOf) + DAY;
  const wake = (t: number) => {
    if (t > asOf && t < nextWake) nextWake = t;
  };
  for (const name of names) {
    const { lines, measured, j } = judged.get(name)!;
    metrics[name] = j.output;
    if (lines.threshold !== null || lines.target !== null) {
      const base = { metric: name, status: "firing" as const, value: j.output.value, threshold: lines.threshold, target: lines.target };
      if (j.output.status === "breach") alerts.push({ ...base, kind: "threshold", severity: "critical" });
      else if (j.pastTarget) alerts.push({ ...base, kind: "threshold", severity: "warning" });
      if (j.atRisk && j.due) {
        alerts.push({
          ...base,
          kind: "at_risk",
          severity: "warning",
          dueCount: j.due.count,
          soonestDeadline: toShanghaiIso(j.due.soonest),
          projectedValue: j.due.projected,
        });
      }
    }
    for (const p of measured.pending ?? []) {
      due.push({ metric: name, item: p.item, id: p.id, deadline: p.deadline });
      // A pending item changes the result at its deadline, and at-risk changes when it enters the lead time.
      wake(p.deadline);
      if (lines.leadMs > 0) wake(p.deadline - lines.leadMs);
    }
    for (const t of measured.changesAt ?? []) wake(t);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  due.sort((a, b) => a.deadline - b.deadline || cmp(a.metric, b.metric) || cmp(a.id, b.id));
  const ref = referenceAdjustments(pack, input.events, asOf, shop.score);
  for (const t of ref?.changesAt ?? []) wake(t);
  const adjusted: ReferenceAdjustments | undefined = ref && {
    bonuses: ref.bonuses,
    deductions: ref.deductions,
    adjustments: ref.adjustments,
  };
  return {
    snapshot: {
      platform: input.platform,
      shopId: input.shopId,
      rulePack: pack.id,
      metrics,
      alerts,
      ...(adjusted ? { scores: adjusted } : {}),
    },
    nextWake,
    due: due.slice(0, SNAPSHOT_DUE_LIMIT),
  };
}
