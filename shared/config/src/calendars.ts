import { PLATFORMS, type Platform } from "@sg/events";
import { z } from "zod";
import { DURATION_HINT, DurationError, parseDuration } from "./duration.js";

/**
 * Calendars (docs/calendars.md): holidays, promotions and announced exemptions as data, per platform and per
 * shop. Each entry covers a range of Shanghai days, both ends included, and applies one rule:
 *
 * - `suspend`: the metrics are not assessed for items whose defining moment falls in the range;
 * - `extend_deadline`: items opening in the range get this deadline instead of the pack's (an exchange answered
 *   within 5 days over a holiday);
 * - `exclude_regions`: orders shipped from or to these regions (GB/T 2260 codes) leave the timeliness metrics;
 * - `stricter`: stricter lines (threshold, target) during a promotion window (Douyin's 大促 assessments).
 *
 * The form is checked here; that each metric exists in the platform's packs, has a deadline to extend or lines
 * to make stricter is checked against the packs at start-up (`calendarIssues` of @sg/rules).
 * An entry is the configuration's, never a platform's notice: `source` says where it comes from, and
 * `sample: true` marks made-up values (the example calendar), which every result computed with them names.
 */

export const CALENDAR_RULES = ["suspend", "extend_deadline", "exclude_regions", "stricter"] as const;
export type CalendarRule = (typeof CALENDAR_RULES)[number];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar day, `YYYY-MM-DD` (Asia/Shanghai). */
export const CalendarDay = z
  .string()
  .regex(DAY, { error: "must be a day as YYYY-MM-DD", abort: true })
  // abort: an entry's other checks (it ends before it starts) need both days real.
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, { error: "is not a real calendar day", abort: true });

const MetricName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a metric name in snake_case, e.g. pickup_24h_rate");
const METRICS_FORM = 'must be "all" or a non-empty list of metric names';
/** The metrics an entry covers: a list, or `all` (every metric of the shop's pack). */
export const CalendarMetrics = z.union([z.literal("all"), z.array(MetricName).min(1, METRICS_FORM)], { error: METRICS_FORM });

const base = {
  /** Shown wherever an item is left out or a line changed by this entry. */
  name: z.string().min(1).max(200),
  from: CalendarDay,
  to: CalendarDay,
  /** Where it comes from: the notice's title or URL, or "example". */
  source: z.string().max(500).optional(),
  /** Made-up values (an example): results computed with them say so. */
  sample: z.boolean().default(false),
};

const Deadline = z.string().transform((s, ctx) => {
  try {
    const ms = parseDuration(s);
    if (ms > 0) return ms;
    ctx.issues.push({ code: "custom", input: s, message: "must be a positive duration" });
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    ctx.issues.push({ code: "custom", input: s, message: `must be a duration like 48h or 5d; ${DURATION_HINT}` });
  }
  return z.NEVER;
});

const Line = z
  .object({ threshold: z.number().finite().optional(), target: z.number().finite().optional() })
  .strict()
  .refine((l) => l.threshold !== undefined || l.target !== undefined, "must set threshold, target or both");

/** An entry must not end before it starts (an entry-level check: it holds whatever else is wrong in the list). */
function inOrder(
  e: { from: string; to: string },
  ctx: { addIssue(i: { code: "custom"; path: string[]; message: string; input: unknown }): void },
) {
  if (e.to < e.from) ctx.addIssue({ code: "custom", path: ["to"], input: e.to, message: `ends (${e.to}) before it starts (${e.from})` });
}

export const CalendarEntry = z.discriminatedUnion(
  "rule",
  [
    z
      .object({ ...base, rule: z.literal("suspend"), metrics: CalendarMetrics })
      .strict()
      .superRefine(inOrder),
    z
      .object({
        ...base,
        rule: z.literal("extend_deadline"),
        metrics: CalendarMetrics,
        /** The deadline items opening in the range get; milliseconds once parsed. */
        deadline: Deadline,
        /** Only these after-sale kinds (absent: every item of the metrics). */
        aftersaleKinds: z
          .array(z.enum(["refund_only", "return_refund", "exchange"]))
          .min(1)
          .optional(),
      })
      .strict()
      .superRefine(inOrder),
    z
      .object({
        ...base,
        rule: z.literal("exclude_regions"),
        metrics: CalendarMetrics,
        /** GB/T 2260 administrative division codes (province 420000, city 420100, district 420106). */
        regions: z.array(z.string().regex(/^\d{6}$/, "must be a GB/T 2260 region code of 6 digits, e.g. 420000")).min(1),
      })
      .strict()
      .superRefine(inOrder),
    z
      .object({ ...base, rule: z.literal("stricter"), lines: z.record(MetricName, Line) })
      .strict()
      .superRefine(inOrder),
  ],
  { error: `must be one of ${CALENDAR_RULES.join(", ")}` },
);
export type CalendarEntry = z.output<typeof CalendarEntry>;

const ShopKey = z
  .string()
  .regex(new RegExp(`^(?:${PLATFORMS.join("|")}):.{1,64}$`), `must be platform:shopId with platform one of ${PLATFORMS.join(", ")}`);

/**
 * `calendars` of the configuration: entries per platform, and per shop (a shop's entries come first).
 * The overlap check runs even when some entries are malformed (one start lists every problem): it then
 * compares the entries that parsed, and names them by their own indices in the list.
 */
export const Calendars = z
  .object({
    platforms: z.partialRecord(z.enum(PLATFORMS), z.array(CalendarEntry)).optional(),
    shops: z.record(ShopKey, z.array(CalendarEntry)).optional(),
  })
  .strict()
  .superRefine(
    (c, ctx) => {
      const malformed = ctx.issues.length;
      for (const group of ["platforms", "shops"] as const) {
        const lists: unknown = (c as Record<string, unknown> | null)?.[group];
        if (!isRecord(lists)) continue;
        for (const [key, list] of Object.entries(lists)) {
          if (Array.isArray(list)) for (const i of overlapsAmongParsed(list as CalendarEntry[], [group, key], ctx.issues)) ctx.addIssue(i);
        }
      }
      // The ambiguities first, then each entry's own problems.
      ctx.issues.unshift(...ctx.issues.splice(malformed));
    },
    { when: () => true },
  );
export type Calendars = z.output<typeof Calendars>;

/** The platform of each list (`platforms.douyin`, `shops["douyin:s1"]`), for the pack checks. */
export function calendarLists(c: Calendars | undefined): { path: (string | number)[]; platform: Platform; entries: CalendarEntry[] }[] {
  if (c === undefined) return [];
  return [
    ...Object.entries(c.platforms ?? {}).map(([p, entries]) => ({
      path: ["calendars", "platforms", p],
      platform: p as Platform,
      entries: entries ?? [],
    })),
    ...Object.entries(c.shops ?? {}).map(([key, entries]) => ({
      path: ["calendars", "shops", key],
      platform: key.slice(0, key.indexOf(":")) as Platform,
      entries,
    })),
  ];
}

type Issue = { code: "custom"; path: (string | number)[]; message: string; input: unknown };

/**
 * Within one list (once each of its entries parsed): two entries whose ranges overlap must not give
 * one metric two deadlines (`extend_deadline`, for a common after-sale kind) or two sets of lines
 * (`stricter`): which would apply is ambiguous. Suspensions and excluded regions add up, so they may overlap.
 * A shop's entries take precedence over its platform's (docs/calendars.md), so those two lists never clash.
 */
function listIssues(entries: readonly CalendarEntry[], at: (string | number)[]): Issue[] {
  const issues: Issue[] = [];
  entries.forEach((b, j) => {
    for (let i = 0; i < j; i++) {
      const a = entries[i]!;
      if (a.rule !== b.rule || a.to < b.from || b.to < a.from) continue;
      const common = sharedMetrics(a, b);
      if (common.length === 0) continue;
      if (a.rule === "extend_deadline" && b.rule === "extend_deadline" && !kindsMeet(a.aftersaleKinds, b.aftersaleKinds)) continue;
      if (a.rule !== "extend_deadline" && a.rule !== "stricter") continue;
      const what = a.rule === "stricter" ? "which lines apply" : "which deadline applies";
      issues.push({
        code: "custom",
        path: [...at, j],
        input: b.name,
        message: `overlaps entry ${i} ("${a.name}", ${a.from}..${a.to}) for ${common.join(", ")}: ${what} is ambiguous`,
      });
    }
  });
  return issues;
}

function metricsOf(e: CalendarEntry): string[] | "all" {
  return e.rule === "stricter" ? Object.keys(e.lines) : e.metrics;
}

function sharedMetrics(a: CalendarEntry, b: CalendarEntry): string[] {
  const x = metricsOf(a);
  const y = metricsOf(b);
  if (x === "all") return y === "all" ? ["every metric"] : y;
  if (y === "all") return x;
  return x.filter((m) => y.includes(m));
}

function kindsMeet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a === undefined || b === undefined || a.some((k) => b.includes(k));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The overlaps within one list among its entries that parsed (`issues`, the problems found so far, name the
 * others), reported at those entries' indices in the list.
 */
function overlapsAmongParsed(list: readonly CalendarEntry[], at: [string, string], issues: readonly { path?: PropertyKey[] }[]): Issue[] {
  const bad = new Set(issues.filter((i) => i.path?.[0] === at[0] && i.path[1] === at[1]).map((i) => i.path?.[2]));
  const valid = list.flatMap((entry, i) => (bad.has(i) ? [] : [{ entry, i }]));
  return listIssues(
    valid.map((v) => v.entry),
    at,
  ).map((issue) => {
    // Back to the entries' own indices in the list.
    const [g, k, n, ...rest] = issue.path;
    return {
      ...issue,
      path: [g!, k!, valid[n as number]!.i, ...rest],
      message: issue.message.replace(/entry (\d+)/, (_, m: string) => `entry ${valid[Number(m)]!.i}`),
    };
  });
}
