import {
  toShanghaiIso,
  type AlertRecord,
  type ScoreAlertDetail,
  type ScoreLineHeadroom,
  type ScoreRiskItem,
  type ShopScores,
} from "@sg/events";
import { loadRulePacks, type RulePack } from "@sg/rules";
import type { FiringAlert } from "../engine/evaluate.js";
import type { MetricState } from "../engine/types.js";
import { computeScores, type MetricReading, type ScoreContext } from "./compute.js";
import { bandHeadroom, lineHeadroom, scoreLevers } from "./headroom.js";

/**
 * Score alerts (scores.md "Score alerts"): kind `score`, one identity per line the configuration sets
 * (`score_total`, `score_stars`). `critical` while the score is below its line; `warning` (at risk) while it
 * holds the line but would fall below it if every pending item due within its metric's lead time turned out
 * bad, the same items and lead times as the metrics' own `at_risk` alerts. Resolves when neither holds.
 */

export type ScoreAlertMetric = "score_total" | "score_stars";

interface Line {
  metric: ScoreAlertMetric;
  /** The line in the alert's unit: points of the total, or stars. */
  line: number;
  /** The total it stands for (a star line: the lowest star line at or above it). */
  totalLine: number;
}

/** The lines configured for this shop, each as the total it stands for. */
function linesOf(pack: RulePack, ctx: ScoreContext): Line[] {
  const out: Line[] = [];
  const lines = ctx.lines ?? {};
  if (lines.total !== undefined) out.push({ metric: "score_total", line: lines.total, totalLine: lines.total });
  if (lines.stars !== undefined && pack.score?.stars) {
    const table = ctx.industry === undefined ? undefined : ctx.parameters?.[pack.id]?.[ctx.industry]?.stars;
    // The total at which the shop shows at least that many stars; without star lines the score names them missing.
    const at = table
      ?.filter((l) => l.stars >= lines.stars!)
      .reduce<number | undefined>((m, l) => (m === undefined ? l.min : Math.min(m, l.min)), undefined);
    if (at !== undefined) out.push({ metric: "score_stars", line: lines.stars, totalLine: at });
  }
  return out;
}

/**
 * Adds the configured lines and the headroom to a computed score, and returns its firing score alerts. The
 * projection re-computes the score once with every due item bad (compute.ts), so the projected total is
 * exactly the score those outcomes would give.
 */
export function deriveScoreAlerts(input: {
  pack: RulePack;
  scores: ShopScores;
  states: readonly MetricState[];
  context?: ScoreContext | undefined;
  shopKey: string;
  asOf: number;
}): FiringAlert[] {
  const { pack, scores, states, shopKey, asOf } = input;
  const model = pack.score;
  const ctx = input.context ?? {};
  if (!model) return [];
  const metrics: Record<string, MetricReading> = {};
  for (const s of states) metrics[s.name] = s.output;
  const lines = linesOf(pack, ctx);
  if (ctx.lines && Object.keys(ctx.lines).length > 0) scores.lines = { ...ctx.lines };
  const levers = scoreLevers({ pack, scores, metrics, context: ctx });
  const total = scores.total;
  if (levers.length > 0 && total !== null) {
    const top = lines.length > 0 ? Math.max(...lines.map((l) => l.totalLine)) : undefined;
    scores.headroom = { band: bandHeadroom(levers) };
    if (top !== undefined) scores.headroom.line = lineHeadroom(levers, total, top);
  }
  if (lines.length === 0 || total === null) return [];

  // The score if every item due within its metric's lead time turned out bad.
  const risk = projectDue({ pack, scores, states, metrics, ctx, shopKey, asOf });
  const out: FiringAlert[] = [];
  for (const l of lines) {
    const value = l.metric === "score_stars" ? (scores.stars ?? null) : total;
    const detail: ScoreAlertDetail = { title: model.title, titleEn: model.titleEn, pack: pack.id, total };
    if (scores.stars !== undefined) detail.stars = scores.stars;
    if (l.metric === "score_stars") detail.totalLine = l.totalLine;
    if (scores.sample) detail.sample = true;
    const hr: ScoreLineHeadroom | null = levers.length > 0 ? lineHeadroom(levers, total, l.totalLine) : null;
    if (hr) detail.headroom = hr;
    const base = { metric: l.metric, kind: "score" as const, status: "firing" as const, value, threshold: l.line, target: null };
    if (total < l.totalLine) {
      out.push({ ...base, severity: "critical", score: detail });
    } else if (risk && risk.total !== null && risk.total < l.totalLine && risk.items.length > 0) {
      detail.projectedTotal = risk.total;
      detail.risk = risk.items;
      out.push({
        ...base,
        severity: "warning",
        dueCount: risk.items.reduce((n, i) => n + i.dueCount, 0),
        soonestDeadline: risk.items.map((i) => i.soonestDeadline).sort()[0]!,
        projectedValue: l.metric === "score_stars" ? (risk.stars ?? null) : risk.total,
        score: detail,
      });
    }
  }
  return out;
}

/** The score with every due item bad, and the indicators whose points those items would cost. */
function projectDue(input: {
  pack: RulePack;
  scores: ShopScores;
  states: readonly MetricState[];
  metrics: Record<string, MetricReading>;
  ctx: ScoreContext;
  shopKey: string;
  asOf: number;
}): { total: number | null; stars: number | null | undefined; items: ScoreRiskItem[] } | null {
  const { pack, scores, states, metrics, ctx, shopKey, asOf } = input;
  const model = pack.score!;
  const dimensionOf = new Map<string, string>();
  for (const [dimId, d] of Object.entries(model.dimensions)) if (!d.observed) for (const i of d.indicators) dimensionOf.set(i, dimId);
  const byMetric = new Map(states.map((s) => [s.name, s]));
  const projected: Record<string, MetricReading> = { ...metrics };
  const touched: { indicator: string; state: MetricState }[] = [];
  for (const [id, ind] of Object.entries(model.indicators)) {
    const s = ind.metric === undefined ? undefined : byMetric.get(ind.metric);
    const due = s?.measured.due;
    if (!s || !due || due.projected === null || !dimensionOf.has(id)) continue;
    // Due items turning bad add to the denominator only (min) or to both (max), as for headroom; only the
    // small-sample rule reads the counts.
    const num = s.output.numerator ?? 0;
    const den = s.output.denominator ?? 0;
    projected[ind.metric!] = {
      value: due.projected,
      numerator: s.def.direction === "max" ? num + due.count : num,
      denominator: den + due.count,
    };
    touched.push({ indicator: id, state: s });
  }
  if (touched.length === 0) return null;
  const after = computeScores({ pack, shopKey, metrics: projected, context: ctx });
  if (!after) return null;
  const items: ScoreRiskItem[] = [];
  for (const { indicator, state } of touched) {
    const points = scores.indicators[indicator]?.points ?? null;
    const projectedPoints = after.indicators[indicator]?.points ?? null;
    if (points === null || projectedPoints === null || projectedPoints >= points) continue;
    const dimId = dimensionOf.get(indicator)!;
    const dim = model.dimensions[dimId]!;
    const item: ScoreRiskItem = {
      indicator,
      metric: state.name,
      dueCount: state.measured.due!.count,
      dueBy: toShanghaiIso(asOf + state.limits.leadMs),
      soonestDeadline: toShanghaiIso(state.measured.due!.soonest),
      points,
      projectedPoints,
      dimension: dimId,
      dimensionTitle: dim.title,
      dimensionScore: scores.dimensions[dimId]?.score ?? null,
      projectedDimensionScore: after.dimensions[dimId]?.score ?? null,
    };
    if (dim.titleEn !== undefined) item.dimensionTitleEn = dim.titleEn;
    items.push(item);
  }
  return { total: after.total, stars: after.stars, items };
}

/**
 * The record of a score alert's state change (alert-transitions.ts): from the firing alert while it fires;
 * when it resolves, from the score now (the line from `scores.lines`).
 */
export function scoreAlertRecord(
  base: Pick<AlertRecord, "platform" | "shopId" | "status" | "severity" | "at" | "seq" | "rulePack">,
  metric: string,
  firing: FiringAlert | undefined,
  scores: ShopScores | undefined,
): AlertRecord | undefined {
  if (metric !== "score_total" && metric !== "score_stars") return undefined;
  const stars = metric === "score_stars";
  const rec: AlertRecord = {
    ...base,
    metric,
    kind: "score",
    direction: "min",
    unit: stars ? "stars" : "points",
    value: firing ? firing.value : stars ? (scores?.stars ?? null) : (scores?.total ?? null),
    threshold: firing ? firing.threshold : ((stars ? scores?.lines?.stars : scores?.lines?.total) ?? null),
    target: null,
  };
  if (firing?.score) {
    rec.score = firing.score;
    if (firing.score.headroom) rec.headroom = firing.score.headroom.items;
  } else if (scores) {
    rec.score = { title: scores.title, pack: scores.pack, total: scores.total };
    const titleEn = loadRulePacks().get(scores.pack)?.score?.titleEn;
    if (titleEn !== undefined) rec.score.titleEn = titleEn;
    if (scores.sample) rec.score.sample = true;
  }
  if (firing?.dueCount !== undefined) rec.dueCount = firing.dueCount;
  if (firing?.soonestDeadline !== undefined) rec.soonestDeadline = firing.soonestDeadline;
  if (firing?.projectedValue !== undefined) rec.projectedValue = firing.projectedValue;
  return rec;
}
