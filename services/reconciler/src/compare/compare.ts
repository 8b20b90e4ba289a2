import type {
  DayEnd,
  FiguresState,
  PlatformFigure,
  PlatformFigures,
  ReconciliationLine,
  ReconciliationReport,
  ReconciliationStatus,
} from "@sg/events";
import { COUNT_NOUNS, GENERIC_NOUNS } from "./nouns.js";
import { DEFAULT_TOLERANCE, EPSILON, type ToleranceUnit } from "./tolerance.js";

export interface CompareInput {
  platform: ReconciliationReport["platform"];
  shopId: string;
  day: string;
  nowMs: number;
  /** The platform's figures, or null while they are missing. */
  figures: PlatformFigures | null;
  figuresState: FiguresState;
  /** ScoreGuard's end-of-day values of the day, or null when none was taken. */
  ours: DayEnd | null;
  /** Unit of each metric of the shop's pack (for its default tolerance). */
  units: Readonly<Record<string, ToleranceUnit>>;
  tolerances: Readonly<Record<string, number>>;
}

/**
 * Compares a shop-day's platform figures with ScoreGuard's end-of-day values (docs/reconciliation.md). Pure.
 * - Received figures: one line per item the platform reported, and its total and dimensions.
 * - Missing figures: one `missing` line per metric ScoreGuard computed that day.
 */
export function compareDay(i: CompareInput): ReconciliationReport {
  const lines: ReconciliationLine[] = [];
  const ours = i.ours;
  if (i.figures === null) {
    for (const [item, m] of Object.entries(ours?.metrics ?? {}))
      lines.push({
        item,
        kind: "metric",
        compared: "value",
        platform: null,
        ours: m.v,
        tolerance: toleranceOf(i, item),
        status: "missing",
        explanation: "no platform figure for this day yet",
      });
  } else {
    for (const [item, fig] of Object.entries(i.figures.items)) lines.push(itemLine(i, item, fig));
    if (i.figures.total !== undefined) lines.push(scoreLine(i, "score.total", "total", i.figures.total, ours?.score?.total));
    for (const [name, v] of Object.entries(i.figures.dimensions))
      lines.push(scoreLine(i, `score.dimension.${name}`, "dimension", v, ours?.score?.dimensions[name]));
  }
  const count = (s: ReconciliationStatus) => lines.filter((l) => l.status === s).length;
  const summary = {
    compared: count("match") + count("drift"),
    match: count("match"),
    drift: count("drift"),
    missing: count("missing"),
    unknown: count("unknown"),
  };
  return {
    platform: i.platform,
    shopId: i.shopId,
    day: i.day,
    comparedAtMs: i.nowMs,
    figures: i.figuresState,
    packs: { platform: i.figures?.platformPack ?? null, ours: ours?.rulePack ?? null },
    ours: ours === null ? null : { takenAtMs: ours.takenAtMs, take: ours.take },
    lines,
    summary,
    causes: summary.drift > 0 ? causesOf(lines, i) : [],
  };
}

function toleranceOf(i: CompareInput, item: string): number {
  return i.tolerances[item] ?? DEFAULT_TOLERANCE[i.units[item] ?? "points"];
}

function statusOf(platform: number | null | undefined, ours: number | null | undefined, tolerance: number): ReconciliationStatus {
  if (platform === null || platform === undefined) return "missing";
  if (ours === null || ours === undefined) return "unknown";
  return Math.abs(platform - ours) <= tolerance + EPSILON ? "match" : "drift";
}

function itemLine(i: CompareInput, item: string, fig: PlatformFigure): ReconciliationLine {
  const metric = i.ours?.metrics[item];
  if (metric !== undefined) {
    const tolerance = toleranceOf(i, item);
    const platform = fig.value ?? null;
    const line: ReconciliationLine = {
      item,
      kind: "metric",
      compared: "value",
      platform,
      ours: metric.v,
      tolerance,
      status: statusOf(platform, metric.v, tolerance),
    };
    if (platform === null && metric.v === null) line.status = "match"; // neither side has data
    const counts = countsOf(fig, metric.n, metric.d);
    if (counts) {
      line.counts = counts;
      // Counts are exact: a count that differs is a drift even when the two ratios happen to agree.
      const differs = (p?: number, o?: number) => p !== undefined && o !== undefined && p !== o;
      if (differs(counts.platformNumerator, counts.oursNumerator) || differs(counts.platformDenominator, counts.oursDenominator))
        line.status = "drift";
    }
    const why = explainCounts(item, fig, metric.n, metric.d);
    if (why) line.explanation = why;
    return line;
  }
  const points = i.ours?.score?.points[item];
  if (points !== undefined && fig.points !== undefined) {
    const tolerance = i.tolerances[item] ?? DEFAULT_TOLERANCE.points;
    return {
      item,
      kind: "indicator",
      compared: "points",
      platform: fig.points,
      ours: points,
      tolerance,
      status: statusOf(fig.points, points, tolerance),
    };
  }
  return {
    item,
    kind: points === undefined ? "metric" : "indicator",
    compared: fig.points !== undefined && fig.value === undefined ? "points" : "value",
    platform: fig.value ?? fig.points ?? null,
    ours: null,
    tolerance: i.tolerances[item] ?? DEFAULT_TOLERANCE.points,
    status: "unknown",
    explanation:
      i.ours === null
        ? "ScoreGuard took no end-of-day value for this day"
        : `ScoreGuard does not compute ${item} under ${i.ours.score?.pack ?? i.ours.rulePack}`,
  };
}

function scoreLine(
  i: CompareInput,
  item: string,
  kind: "total" | "dimension",
  platform: number | null,
  ours: number | null | undefined,
): ReconciliationLine {
  const tolerance = i.tolerances[item] ?? DEFAULT_TOLERANCE.points;
  const line: ReconciliationLine = {
    item,
    kind,
    compared: "points",
    platform,
    ours: ours ?? null,
    tolerance,
    status: statusOf(platform, ours, tolerance),
  };
  if (line.status === "unknown")
    line.explanation = i.ours?.score
      ? `the score under ${i.ours.score.pack} has no ${item} (status ${i.ours.score.status})`
      : "ScoreGuard computes no score for this shop's pack";
  return line;
}

function countsOf(fig: PlatformFigure, n: number | undefined, d: number | undefined): ReconciliationLine["counts"] | undefined {
  if (fig.numerator === undefined && fig.denominator === undefined) return undefined;
  const c: NonNullable<ReconciliationLine["counts"]> = {};
  if (fig.numerator !== undefined) c.platformNumerator = fig.numerator;
  if (n !== undefined) c.oursNumerator = n;
  if (fig.denominator !== undefined) c.platformDenominator = fig.denominator;
  if (d !== undefined) c.oursDenominator = d;
  return c;
}

/** Which side is short, by how much: the denominator first (whole items missing), then the numerator. */
export function explainCounts(item: string, fig: PlatformFigure, n: number | undefined, d: number | undefined): string | undefined {
  const nouns = COUNT_NOUNS[item] ?? GENERIC_NOUNS;
  const parts: string[] = [];
  const side = (p: number | undefined, o: number | undefined, noun: string) => {
    if (p === undefined || o === undefined || p === o) return;
    const diff = Math.abs(p - o);
    const entities = `${diff} ${nouns.entity}${diff === 1 ? "'s" : "s'"}`;
    parts.push(
      p > o
        ? `platform counted ${p} ${noun}, we saw ${o}: ${entities} events are missing`
        : `we counted ${o} ${noun}, the platform ${p}: ${diff} counted by us are not counted by the platform (excluded by its rules, appealed, or not this shop's)`,
    );
  };
  side(fig.denominator, d, nouns.denominator);
  side(fig.numerator, n, nouns.numerator);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** Likely causes of the drifts in `lines`, most likely first. */
function causesOf(lines: ReconciliationLine[], i: CompareInput): string[] {
  const drifts = lines.filter((l) => l.status === "drift");
  const causes: string[] = [];
  const short = drifts.some(
    (l) =>
      (l.counts?.platformDenominator ?? 0) > (l.counts?.oursDenominator ?? Infinity) ||
      (l.counts?.platformNumerator ?? 0) > (l.counts?.oursNumerator ?? Infinity),
  );
  const extra = drifts.some(
    (l) =>
      (l.counts?.platformDenominator ?? Infinity) < (l.counts?.oursDenominator ?? 0) ||
      (l.counts?.platformNumerator ?? Infinity) < (l.counts?.oursNumerator ?? 0),
  );
  if (short)
    causes.push(
      "events missing from ScoreGuard's feed: a push subscription off or failing, a webhook down, events dead-lettered (see sg.events.dlq), or a shop connected after the window began",
    );
  if (extra)
    causes.push(
      "items the platform leaves out: excluded orders (gifts, lucky bags, low-price, instant-refund, abnormal), approved appeals or late-shipment filings, malicious consumers removed",
    );
  const platformPack = i.figures?.platformPack;
  if (platformPack !== undefined && i.ours !== null && platformPack !== i.ours.rulePack)
    causes.push(`the rule pack differs: the platform names ${platformPack}, ScoreGuard used ${i.ours.rulePack}`);
  if (i.ours?.take === "close") causes.push("ScoreGuard's value was taken before the day's late events settled (close take)");
  if (drifts.some((l) => l.counts === undefined || (!short && !extra)))
    causes.push(
      "a rule read differently: the window, the moment that counts, service hours, or a clock that starts later (e.g. Douyin's 06:00 pickup clock)",
    );
  causes.push("the platform's display rounding beyond the tolerance (reconciliation.tolerances)");
  return causes;
}
