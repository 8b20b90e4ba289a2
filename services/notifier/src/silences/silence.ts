import { z } from "zod";
import { EventTime, toMillis, toShanghaiIso } from "@sg/events";

/**
 * Silences (alerts.md "Silences"): matchers, a start and an end. An alert is silenced while every
 * matcher matches it and `startsAt <= now < endsAt`. Modelled on Alertmanager's silences, minus
 * the negative matchers, which the contract does not ask for.
 */
export const MATCHER_NAMES = ["platform", "shop", "metric", "severity", "kind"] as const;
export type MatcherName = (typeof MATCHER_NAMES)[number];

export const SilenceMatcher = z
  .object({
    name: z.enum(MATCHER_NAMES),
    value: z.string().min(1, "must not be empty").max(256),
    isRegex: z.boolean().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.isRegex) return;
    try {
      new RegExp(m.value);
    } catch {
      // The SyntaxError text is engine-specific; the problem is reported by field, not by message.
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: "is not a valid regular expression" });
    }
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
  .strict();
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
    throw new SilenceInputError(
      parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", reason: i.message })),
    );
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

/** The labels an alert is matched on. `shop` is the shop id; a matcher may also name `platform:shopId`. */
export interface AlertLabels {
  platform: string;
  shop: string;
  metric: string;
  severity: string;
  kind: string;
}

function matcherMatches(m: SilenceMatcher, labels: AlertLabels): boolean {
  const candidates = m.name === "shop" ? [labels.shop, `${labels.platform}:${labels.shop}`] : [labels[m.name]];
  if (!m.isRegex) return candidates.includes(m.value);
  // Anchored like Alertmanager's regex matchers.
  const re = new RegExp(`^(?:${m.value})$`);
  return candidates.some((c) => re.test(c));
}

export function isExpired(s: Silence, now: number): boolean {
  return Date.parse(s.endsAt) <= now;
}

export function isActive(s: Silence, now: number): boolean {
  return Date.parse(s.startsAt) <= now && now < Date.parse(s.endsAt);
}

/** True when an active silence covers the alert. */
export function silencedBy(silences: readonly Silence[], labels: AlertLabels, now: number): Silence | undefined {
  return silences.find((s) => isActive(s, now) && s.matchers.every((m) => matcherMatches(m, labels)));
}
