import { z } from "zod";
import { ALERT_LABELS } from "../alerts.js";
import { linearRegex, linearRegexProblem } from "../linear-regex.js";
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
    if (problem !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: problem });
  });
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

export const SilenceInput = z
  .object({
    matchers: z.array(SilenceMatcher).min(1, "must have at least one matcher").max(16),
    /** Defaults to now. */
    startsAt: EventTime.optional(),
    endsAt: EventTime,
    createdBy: z.string().max(128).optional(),
    comment: z.string().max(1024).optional(),
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
          code: z.ZodIssueCode.custom,
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

/** Validates an API input and builds the stored silence. Throws `SilenceInputError`. */
export function buildSilence(input: unknown, id: string, now: number): Silence {
  const parsed = SilenceInput.safeParse(input);
  if (!parsed.success) {
    throw new SilenceInputError(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", reason: i.message })));
  }
  const s = parsed.data;
  const startsAt = s.startsAt === undefined ? now : toMillis(s.startsAt);
  const endsAt = toMillis(s.endsAt);
  const problems: SilenceProblem[] = [];
  if (endsAt <= startsAt) problems.push({ field: "endsAt", reason: "must be after startsAt" });
  if (endsAt <= now) problems.push({ field: "endsAt", reason: "must be in the future" });
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

export function isExpired(s: Silence, now: number): boolean {
  return Date.parse(s.endsAt) <= now;
}

export function isActive(s: Silence, now: number): boolean {
  return Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt);
}

/** True when an active silence covers the alert. */
export function silencedBy(silences: readonly Silence[], labels: AlertLabels, now: number): Silence | undefined {
  return silences.find((s) => isActive(s, now) && byCost(s.matchers).every((m) => matcherMatches(m, labels)));
}
