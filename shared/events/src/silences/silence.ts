import { z } from "zod";
import { ALERT_LABELS } from "../alerts.js";
import { compileLinearRegex, linearRegex, linearRegexProblem, type LinearRegex } from "../linear-regex.js";
import { namesShop, shopKey, shopNameTarget } from "../shop-key.js";
import { EventTime, toMillis, toShanghaiIso } from "../time.js";

/**
 * Silences (alerts.md "Silences"): matchers, a start and an end. An alert is silenced while every
 * matcher matches it and `startsAt <= now < endsAt`. Modelled on Alertmanager's silences, minus
 * the negative matchers, which the contract does not ask for.
 */
export const MATCHER_NAMES = ALERT_LABELS;

export const SilenceMatcher = z
  .object({
    name: z.enum(MATCHER_NAMES),
    value: z.string().min(1, "must not be empty").max(256),
    isRegex: z.boolean().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.isRegex) return;
    // RE2 syntax on a linear-time engine, length-capped: a tenant's pattern cannot stall the notifier.
    const problem = linearRegexProblem(m.value);
    if (problem !== null) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
  });
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

/**
 * What one API token may hold (the configuration's `silenceLimits`, overridable per token): a tenant cannot
 * fill Redis or slow everyone's reads with silences. `maxActive` counts the token's active and future
 * silences (over it: 429); `maxMatchers` and `maxCommentBytes` bound one silence (over them: 400).
 */
export interface SilenceLimits {
  maxActive: number;
  maxMatchers: number;
  maxCommentBytes: number;
}

/** Absolute caps; a configured limit is at most these. */
export const MAX_SILENCE_MATCHERS = 16;
export const MAX_SILENCE_COMMENT_BYTES = 16 * 1024;
export const MAX_ACTIVE_SILENCES = 10_000;
export const DEFAULT_SILENCE_LIMITS: Readonly<SilenceLimits> = { maxActive: 100, maxMatchers: MAX_SILENCE_MATCHERS, maxCommentBytes: 1024 };

/** How far ahead (and back, for `startsAt`) a silence's times may lie: one year. Beyond it a time is a mistake or an attack. */
export const SILENCE_HORIZON_MS = 365 * 24 * 3600_000;

export const SilenceInput = z
  .object({
    matchers: z.array(SilenceMatcher).min(1, "must have at least one matcher").max(MAX_SILENCE_MATCHERS),
    /** Defaults to now. */
    startsAt: EventTime.optional(),
    endsAt: EventTime,
    createdBy: z.string().max(128).optional(),
    comment: z.string().max(MAX_SILENCE_COMMENT_BYTES).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // `{platform: kuaishou, shop: "douyin:77"}` would match nothing: the shop matcher names a douyin shop.
    // Say how to name the Kuaishou shop whose id is `douyin:77` instead of storing a silence that never applies.
    const platform = s.matchers.find((m) => m.name === "platform" && m.isRegex !== true)?.value;
    s.matchers.forEach((m, i) => {
      if (m.name !== "shop" || m.isRegex === true || platform === undefined) return;
      const target = shopNameTarget(m.value);
      if (target.platform !== undefined && target.platform !== platform) {
        ctx.addIssue({
          code: "custom",
          path: ["matchers", i, "value"],
          message: `names a ${target.platform} shop but the platform matcher is "${platform}"; write "${platform}:${m.value}" for that platform's shop with this id`,
        });
      }
    });
  });
export type SilenceInput = z.input<typeof SilenceInput>;

/** A stored silence; times are ISO-8601 in Asia/Shanghai. */
export const Silence = z.object({
  id: z.string().min(1),
  matchers: z.array(SilenceMatcher).min(1),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string().optional(),
  comment: z.string().optional(),
});
export type Silence = z.infer<typeof Silence>;

export interface SilenceProblem {
  field: string;
  reason: string;
}

/** Thrown by `create` with every problem of the input, by field (the API answers 400 with them). */
export class SilenceInputError extends Error {
  constructor(readonly problems: SilenceProblem[]) {
    super(`invalid silence: ${problems.map((p) => `${p.field}: ${p.reason}`).join("; ")}`);
    this.name = "SilenceInputError";
  }
}

/** Thrown by a store's `create` when the token already holds its most silences (the API answers 429). */
export class SilenceLimitError extends Error {
  constructor(
    /** The configuration key of the limit. */
    readonly limit: string,
    readonly max: number,
  ) {
    super(`the token already has ${max} active or future silences, its limit ${limit}; remove one or wait for one to end`);
    this.name = "SilenceLimitError";
  }
}

/** Why a silence's time is refused (outside the one-year horizon), or null. Checked before any date formatting. */
function horizonProblem(field: "startsAt" | "endsAt", ms: number, now: number): SilenceProblem | null {
  if (ms > now + SILENCE_HORIZON_MS)
    return { field, reason: `must be at most one year ahead (before ${toShanghaiIso(now + SILENCE_HORIZON_MS)})` };
  if (ms < now - SILENCE_HORIZON_MS)
    return { field, reason: `must be at most one year ago (after ${toShanghaiIso(now - SILENCE_HORIZON_MS)})` };
  return null;
}

/** The per-token limits on one silence: what is over them, naming the limit. */
function limitProblems(s: z.output<typeof SilenceInput>, limits: SilenceLimits): SilenceProblem[] {
  const problems: SilenceProblem[] = [];
  if (s.matchers.length > limits.maxMatchers)
    problems.push({ field: "matchers", reason: `must have at most ${limits.maxMatchers} matchers (limit silenceLimits.maxMatchers)` });
  if (s.comment !== undefined && Buffer.byteLength(s.comment, "utf8") > limits.maxCommentBytes)
    problems.push({
      field: "comment",
      reason: `must be at most ${limits.maxCommentBytes} bytes of UTF-8 (limit silenceLimits.maxCommentBytes)`,
    });
  return problems;
}

/**
 * Validates an API input and builds the stored silence. Throws `SilenceInputError` listing every problem by
 * field: the input's shape, the limits of one silence, and times outside the horizon of a year.
 */
export function buildSilence(input: unknown, id: string, now: number, limits: SilenceLimits = DEFAULT_SILENCE_LIMITS): Silence {
  const parsed = SilenceInput.safeParse(input);
  if (!parsed.success) {
    throw new SilenceInputError(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", reason: i.message })));
  }
  const s = parsed.data;
  const startsAt = s.startsAt === undefined ? now : toMillis(s.startsAt);
  const endsAt = toMillis(s.endsAt);
  const problems: SilenceProblem[] = limitProblems(s, limits);
  const outside = [horizonProblem("startsAt", startsAt, now), horizonProblem("endsAt", endsAt, now)].filter((p) => p !== null);
  problems.push(...outside);
  if (outside.length === 0) {
    if (endsAt <= startsAt) problems.push({ field: "endsAt", reason: "must be after startsAt" });
    if (endsAt <= now) problems.push({ field: "endsAt", reason: "must be in the future" });
  }
  if (problems.length > 0) throw new SilenceInputError(problems);
  return {
    id,
    matchers: s.matchers,
    startsAt: toShanghaiIso(startsAt),
    endsAt: toShanghaiIso(endsAt),
    ...(s.createdBy === undefined ? {} : { createdBy: s.createdBy }),
    ...(s.comment === undefined ? {} : { comment: s.comment }),
  };
}

/** The labels an alert is matched on. `shop` is the shop id on `platform`. */
export interface AlertLabels {
  platform: string;
  shop: string;
  metric: string;
  severity: string;
  kind: string;
}

/** An exact `shop` matcher names one shop as `shopNameTarget` reads it; a bare id is pinned by a `platform` matcher. */
function exactMatches(m: SilenceMatcher, labels: AlertLabels): boolean {
  if (m.name !== "shop") return labels[m.name] === m.value;
  return namesShop(m.value, { platform: labels.platform, shopId: labels.shop });
}

function matcherMatches(m: SilenceMatcher, labels: AlertLabels): boolean {
  if (m.isRegex !== true) return exactMatches(m, labels);
  // A regex `shop` matcher sees the one full key, `platform:shopId`; anchored like Alertmanager's.
  const subject = m.name === "shop" ? shopKey({ platform: labels.platform, shopId: labels.shop }) : labels[m.name];
  return linearRegex(m.value).matchesWhole(subject);
}

/** Exact matchers first: they are cheap and usually decide, so most alerts never reach a regex. */
function byCost(matchers: readonly SilenceMatcher[]): SilenceMatcher[] {
  return [...matchers].sort((a, b) => Number(a.isRegex === true) - Number(b.isRegex === true));
}

/**
 * Which shops a silence can reach, from its exact (non-regex) matchers, read as `namesShop` matches: a `shop`
 * value is a full `platform:shopId` key or a bare id pinned by a `platform` matcher. `{ platform }` alone
 * reaches every shop of that platform; null means it is pinned to no platform (it may reach any shop).
 * The gateway scopes tokens by it, and the silence store indexes by it.
 */
export function silenceReach(matchers: readonly SilenceMatcher[]): { platform: string; shopId?: string } | null {
  const exact = (name: string) => matchers.find((m) => m.name === name && m.isRegex !== true)?.value;
  const shop = exact("shop");
  const platform = exact("platform");
  if (shop !== undefined) {
    const target = shopNameTarget(shop);
    const p = target.platform ?? platform;
    if (p === undefined || (platform !== undefined && platform !== p)) return null;
    return { platform: p, shopId: target.shopId };
  }
  return platform === undefined ? null : { platform };
}

/**
 * A stored silence ready to match: times parsed and regexes compiled once, when it is read from the store
 * for the first time, never again per alert or per tick.
 */
export interface CompiledSilence {
  readonly silence: Silence;
  readonly startsMs: number;
  readonly endsMs: number;
  matches(labels: AlertLabels): boolean;
}

/** Compiles a stored silence; null when it cannot apply (a time that does not parse, a regex that does not compile). */
export function compileSilence(s: Silence): CompiledSilence | null {
  const startsMs = Date.parse(s.startsAt);
  const endsMs = Date.parse(s.endsAt);
  if (!Number.isFinite(startsMs) || !Number.isFinite(endsMs)) return null;
  const regexes: Array<{ m: SilenceMatcher; re: LinearRegex }> = [];
  const exact: SilenceMatcher[] = [];
  for (const m of s.matchers) {
    if (m.isRegex !== true) exact.push(m);
    else if (linearRegexProblem(m.value) !== null) return null;
    else regexes.push({ m, re: compileLinearRegex(m.value) });
  }
  return {
    silence: s,
    startsMs,
    endsMs,
    // Exact matchers first: they are cheap and usually decide, so most alerts never reach a regex.
    matches: (labels) =>
      exact.every((m) => exactMatches(m, labels)) &&
      regexes.every(({ m, re }) =>
        re.matchesWhole(m.name === "shop" ? shopKey({ platform: labels.platform, shopId: labels.shop }) : labels[m.name]),
      ),
  };
}

/** The first active compiled silence that covers the alert. */
export function activeSilenceFor(silences: readonly CompiledSilence[], labels: AlertLabels, now: number): CompiledSilence | undefined {
  return silences.find((s) => s.startsMs <= now && now < s.endsMs && s.matches(labels));
}

/** An end that does not parse counts as past: such a silence would otherwise never end. */
export function isExpired(s: Silence, now: number): boolean {
  return !(Date.parse(s.endsAt) > now);
}

export function isActive(s: Silence, now: number): boolean {
  return Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt);
}

/** True when an active silence covers the alert. */
export function silencedBy(silences: readonly Silence[], labels: AlertLabels, now: number): Silence | undefined {
  return silences.find((s) => isActive(s, now) && byCost(s.matchers).every((m) => matcherMatches(m, labels)));
}
