import { z } from "zod";
import { MetricStatus, type ShopSnapshot } from "./snapshot.js";
import { SHANGHAI_OFFSET_MS } from "./time.js";

/**
 * ScoreGuard's end-of-day values: every metric and score of a shop as they stood at the end of each
 * Shanghai calendar day, kept `DAY_END_RETENTION_DAYS` days. Written by the processor (the only service
 * that runs the engine), read by the reconciler (platform figures against ours) and by the read API's
 * history (`GET …/metrics/{metric}/history`). docs/day-end-history.md says how a value is taken.
 *
 * The cut-off of day D is 00:00:00.000 Shanghai of D+1. The value of day D is the engine's evaluation at
 * `asOfMs` = cut-off − 1 ms, the last instant of D: an item whose defining moment is before the cut-off
 * counts, one at or after it does not (metrics.md "Windows and calendars": `asOf` in D means the window
 * ends with D).
 */

/** Days of end-of-day values kept per shop. */
export const DAY_END_RETENTION_DAYS = 90;
/** The bound one shop-day is kept within (UTF-8 bytes of its JSON); a unit test pins it on the largest pack. */
export const DAY_END_MAX_BYTES = 2048;
/**
 * Default delay after the cut-off before the day is taken a second time ("settled"), so that events of the
 * day that arrive late (platform pushes are retried for up to 2 h: Kuaishou retries after 5, 10, 20, 30
 * and 60 minutes, rules-2026.md) are included. Configuration may change it (`reconciliation.settleAfter`).
 */
export const DAY_END_SETTLE_MS = 2 * 3_600_000;

const DAY_MS = 86_400_000;

/** A Shanghai calendar day, `YYYY-MM-DD`. */
export const ShanghaiDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day as YYYY-MM-DD")
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00+08:00`)) && shanghaiDayOf(dayCutoffMs(s) - 1) === s,
    "must be a real calendar day",
  );
export type ShanghaiDay = z.infer<typeof ShanghaiDay>;

/** The Shanghai day containing `ms`, `YYYY-MM-DD`. */
export function shanghaiDayOf(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 Shanghai of `day`. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** The cut-off of `day`: 00:00 Shanghai of the next day (the first instant no longer in it). */
export function dayCutoffMs(day: string): number {
  return dayStartMs(day) + DAY_MS;
}

/** `day` moved by `n` days (negative: earlier). */
export function addDays(day: string, n: number): string {
  return shanghaiDayOf(dayStartMs(day) + n * DAY_MS + 1);
}

/** One metric at the day's end, compact: value, its two counts (a ratio's or a mean's sum and count), status. */
export const DayEndMetric = z
  .object({
    v: z.number().nullable(),
    n: z.number().optional(),
    d: z.number().optional(),
    s: MetricStatus,
  })
  .strict();
export type DayEndMetric = z.infer<typeof DayEndMetric>;

/** The shop's composite score at the day's end: total, dimension scores and indicator points. */
export const DayEndScore = z
  .object({
    pack: z.string(),
    status: z.enum(["complete", "incomplete", "fixed"]),
    total: z.number().nullable(),
    dimensions: z.record(z.string(), z.number().nullable()),
    points: z.record(z.string(), z.number().nullable()),
  })
  .strict();
export type DayEndScore = z.infer<typeof DayEndScore>;

/** `close`: taken at the first evaluation after the cut-off; `settled`: taken again once the settle delay passed. */
export const DayEndTake = z.enum(["close", "settled"]);
export type DayEndTake = z.infer<typeof DayEndTake>;

export const DayEnd = z
  .object({
    day: ShanghaiDay,
    /** Always cut-off − 1 ms: the moment the engine evaluated. */
    asOfMs: z.number().int(),
    /** When the processor took the value (its clock); a later take of the same day replaces an earlier one. */
    takenAtMs: z.number().int(),
    take: DayEndTake,
    /** The rule pack in force for the shop at the take (metrics.md "Every snapshot names the pack"). */
    rulePack: z.string(),
    metrics: z.record(z.string(), DayEndMetric),
    score: DayEndScore.optional(),
  })
  .strict();
export type DayEnd = z.infer<typeof DayEnd>;

/** The compact day-end form of a snapshot evaluated at `asOfMs` = cut-off − 1 ms. */
export function toDayEnd(snapshot: ShopSnapshot, day: string, takenAtMs: number, take: DayEndTake): DayEnd {
  const metrics: Record<string, DayEndMetric> = {};
  for (const [name, m] of Object.entries(snapshot.metrics)) {
    const out: DayEndMetric = { v: round(m.value), s: m.status };
    if (m.numerator !== undefined) out.n = round(m.numerator)!;
    if (m.denominator !== undefined) out.d = round(m.denominator)!;
    metrics[name] = out;
  }
  const out: DayEnd = { day, asOfMs: dayCutoffMs(day) - 1, takenAtMs, take, rulePack: snapshot.rulePack, metrics };
  const s = snapshot.scores;
  if (s) {
    const dimensions: Record<string, number | null> = {};
    for (const [k, d] of Object.entries(s.dimensions)) dimensions[k] = round(d.score);
    const points: Record<string, number | null> = {};
    for (const [k, i] of Object.entries(s.indicators)) points[k] = round(i.points);
    out.score = { pack: s.pack, status: s.status, total: round(s.total), dimensions, points };
  }
  return out;
}

/**
 * Ten significant digits: far below any platform's display precision, and it keeps a float's 17-digit tail
 * (0.30000000000000004) out of the bounded record.
 */
function round(x: number | null): number | null {
  return x === null ? null : Number(x.toPrecision(10));
}

/** Cross-service Redis keys of the day-end history. */
export function dayEndKeys(prefix: string) {
  return {
    /**
     * HASH day (`YYYY-MM-DD`) → DayEnd JSON, under the shop's hash tag; at most DAY_END_RETENTION_DAYS
     * fields (the writer removes older days in the same script call), and the key expires
     * DAY_END_RETENTION_DAYS + 1 days after its last write.
     */
    history: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:dayend`,
  };
}
