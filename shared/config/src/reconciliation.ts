import { z } from "zod";
import { durationField } from "./duration.js";
import { HttpUrl, MetricName, NonEmpty, Secret } from "./fields.js";

/**
 * Reconciliation with the platforms' own figures (docs/reconciliation.md): the score APIs' credentials and
 * hosts, when to pull, how to retry, and the tolerance per compared item. Every key is optional except a
 * platform's credentials once the platform is listed; a missing one is reported by its path
 * (`reconciliation.douyin.appSecret: Required`), never by its value.
 */

/** A time of day in Shanghai, `HH:MM`. */
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM (Asia/Shanghai)");

/** A shop authorised for the score API: the access token the merchant's authorisation gave. */
const ApiShop = z.object({ accessToken: Secret }).strict();

const PullCommon = {
  /**
   * Where the score API lives. Pulls go only to this host (redirects are not followed). The platform's
   * production host is the default in docs, not here: a test or a sandbox names its own.
   */
  host: HttpUrl,
  /**
   * When to pull yesterday's figures, Shanghai time: after the platform's daily refresh, which the platforms
   * do not publish, so it is configuration (default 10:00).
   */
  pullAt: TimeOfDay.default("10:00"),
  /** Shops whose figures are pulled, keyed by shop id. */
  shops: z.record(z.string().min(1).max(64), ApiShop).default({}),
  /** The response's field (dotted path) → ScoreGuard's item (a metric, an indicator, `total`, or `dimension.<name>`). */
  fields: z.record(z.string().min(1), z.string().min(1)).optional(),
};

export const DouyinScoreApi = z
  .object({
    appKey: NonEmpty,
    appSecret: Secret,
    /** The open platform's two documented sign methods. */
    signMethod: z.enum(["hmac-sha256", "md5"]).default("hmac-sha256"),
    ...PullCommon,
  })
  .strict();
export type DouyinScoreApi = z.output<typeof DouyinScoreApi>;

export const KuaishouScoreApi = z
  .object({
    appKey: NonEmpty,
    signSecret: Secret,
    signMethod: z.enum(["HMAC_SHA256", "MD5"]).default("HMAC_SHA256"),
    ...PullCommon,
  })
  .strict();
export type KuaishouScoreApi = z.output<typeof KuaishouScoreApi>;

export const Reconciliation = z
  .object({
    douyin: DouyinScoreApi.optional(),
    kuaishou: KuaishouScoreApi.optional(),
    /** Pull attempts per shop-day, the first included, before the figures stay `missing` until the next day. */
    attempts: z.number().int().min(1).max(50).default(8),
    /** Backoff before the 2nd attempt; doubled each time (with jitter) up to `maxBackoff`. */
    backoff: durationField({ positive: true }).prefault("1m"),
    maxBackoff: durationField({ positive: true }).prefault("1h"),
    /** Longest wait for one pull's answer. */
    timeout: durationField({ positive: true }).prefault("10s"),
    /** Per item: the largest difference still a match. Absent: the default of the item's unit (docs/reconciliation.md). */
    tolerances: z
      .record(z.union([MetricName, z.string().regex(/^score\.(total|dimension\.[a-z][a-z0-9_]*)$/)]), z.number().nonnegative())
      .default({}),
    /** Raise a `reconciliation_drift` warning when a shop-day has drifts (default on). */
    alerts: z.boolean().default(true),
  })
  .strict();
export type Reconciliation = z.output<typeof Reconciliation>;
