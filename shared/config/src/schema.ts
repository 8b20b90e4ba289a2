import { z } from "zod";
import { ApiTokens } from "./apiTokens.js";
import { Calendars } from "./calendars.js";
import { crossFieldIssues } from "./crossField.js";
import { HttpUrl, Language } from "./fields.js";
import { Platforms } from "./platforms.js";
import { DEFAULT_SHOP_LIVE_ENTITIES, Quotas } from "./quotas.js";
import { Reconciliation } from "./reconciliation.js";
import { Receivers } from "./receivers.js";
import { Route } from "./routes.js";
import { PackChoices, PlatformScoreCalibration, PlatformScoreLines, ScoreParameters } from "./scores.js";
import { Shops } from "./shops.js";
import { SilenceLimits } from "./silenceLimits.js";

/**
 * The ScoreGuard config file (alerts.md "Configuration"): strict, so unknown keys are errors; durations come
 * out in milliseconds with alerts.md's defaults applied; every section defaults to empty.
 */
export const ScoreguardConfig = z
  .object({
    shops: Shops.default({}),
    receivers: Receivers.default({}),
    /** Ordered: first match wins unless `continue`. */
    routes: z.array(Route).default([]),
    platforms: Platforms.default({}),
    apiTokens: ApiTokens.default([]),
    /** Silences each API token may hold; absent, `DEFAULT_SILENCE_LIMITS` of @sg/events apply (as do the defaults of absent keys). */
    silenceLimits: SilenceLimits.optional(),
    /** Dashboard links in messages are built from this base URL. */
    grafana: z.object({ url: HttpUrl }).strict().optional(),
    language: Language.default("zh-CN"),
    quotas: Quotas.default({ shopLiveEntities: DEFAULT_SHOP_LIVE_ENTITIES }),
    /**
     * Marks a development configuration (the example, local experiments): API tokens may then be shorter than
     * `MIN_TOKEN_LENGTH`. Anything else is treated as production.
     */
    development: z.boolean().optional(),
    /** Rule pack per platform (`latest` or a pack id); absent: the platform's contract-v1 pack. */
    packs: PackChoices.optional(),
    /** Unpublished score parameters per pack and industry. */
    scoreParameters: ScoreParameters.optional(),
    /** Pulls of the platforms' own figures and their comparison with ScoreGuard's (docs/reconciliation.md). */
    reconciliation: Reconciliation.optional(),
    /** Lines of each platform's shop scores: `score` alerts fire below them (a shop's own lines win). */
    scoreLines: PlatformScoreLines.optional(),
    /** Per platform: observed score dimensions start from the platform's latest figures (default off). */
    scoreCalibration: PlatformScoreCalibration.optional(),
    /** Holidays, promotions and announced exemptions per platform and shop (docs/calendars.md). */
    calendars: Calendars.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: "custom", ...issue });
  });

/** The parsed config: durations in milliseconds, defaults applied, match values as lists. */
export type ScoreguardConfig = z.output<typeof ScoreguardConfig>;
/** What a file may contain (durations as strings, sections optional); handy for building configs in tests. */
export type ScoreguardConfigInput = z.input<typeof ScoreguardConfig>;
