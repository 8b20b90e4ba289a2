import { PLATFORMS, type Platform } from "@sg/events";
import { z } from "zod";
import { z as z3 } from "zod";
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
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s, "is not a real calendar day");

const MetricName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a metric name in snake_case, e.g. pickup_24h_rate");
/** The metrics an entry covers: a list, or `all` (every metric of the shop's pack). */
export const CalendarMetrics = z.union([z.literal("all"), z.array(MetricName).min(1)], {
  error: 'must be "all" or a non-empty list of metric names',
});

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

/** `calendars` of the configuration: entries per platform, and per shop (a shop's entries come first). */
export const Calendars = z
  .object({
    platforms: z.partialRecord(z.enum(PLATFORMS), z.array(CalendarEntry)).optional(),
    shops: z.record(ShopKey, z.array(CalendarEntry)).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [platform, entries] of Object.entries(c.platforms ?? {}))
      for (const i of listIssues(entries ?? [], ["platforms", platform])) ctx.addIssue(i);
    for (const [shop, entries] of Object.entries(c.shops ?? {})) for (const i of listIssues(entries, ["shops", shop])) ctx.addIssue(i);
  });
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

/**
 * The section inside the configuration's schema, which is still on zod's v3 API: parsed by the v4 schema
 * above, its problems reported at their paths. Once the configuration moves to v4 this is `Calendars` itself.
 */
export const CalendarsSection = z3.unknown().transform((value, ctx): Calendars => {
  const r = Calendars.safeParse(value);
  if (r.success) return r.data;
  // The overlaps among the entries that parse, even when others do not: one start lists every problem.
  for (const i of overlapsAmongValid(value)) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
  for (const i of r.error.issues) {
    // A bad shop key: zod 4 reports "Invalid key in record" around the key's own problem.
    const message = i.code === "invalid_key" ? (i.issues[0]?.message ?? i.message) : i.message;
    ctx.addIssue({ code: "custom", path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message });
  }
  return z3.NEVER;
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function overlapsAmongValid(value: unknown): Issue[] {
  if (!isRecord(value)) return [];
  const issues: Issue[] = [];
  for (const group of ["platforms", "shops"] as const) {
    const lists = value[group];
    if (!isRecord(lists)) continue;
    for (const [key, list] of Object.entries(lists)) {
      if (!Array.isArray(list)) continue;
      const parsed = list.map((x: unknown) => CalendarEntry.safeParse(x));
      const valid = parsed.flatMap((p, i) => (p.success ? [{ entry: p.data, i }] : []));
      for (const issue of listIssues(
        valid.map((v) => v.entry),
        [group, key],
      )) {
        // Back to the entries' own indices in the list.
        const [g, k, n, ...rest] = issue.path;
        issues.push({
          ...issue,
          path: [g!, k!, valid[n as number]!.i, ...rest],
          message: issue.message.replace(/entry (\d+)/, (_, m: string) => `entry ${valid[Number(m)]!.i}`),
        });
      }
    }
  }
  return issues;
}
