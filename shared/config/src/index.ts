export { ConfigError, formatPath, type ConfigProblem } from "./errors.js";
export { parseDuration, durationField, DurationError, DURATION_HINT } from "./duration.js";
export {
  parseEnv,
  envPort,
  envInt,
  envBrokers,
  envLogLevel,
  envString,
  envOptionalString,
  envUrl,
  envRedisUrl,
  envBool,
  BaseEnv,
  SharedEnvVars,
  PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT,
  requireInfra,
  type Infra,
  LOG_LEVELS,
  type LogLevel,
  type EnvSource,
} from "./env.js";
export { loadScoreguardConfig, parseScoreguardConfig } from "./load.js";
export { ScoreguardConfig, type ScoreguardConfigInput } from "./schema.js";
export { PLATFORMS, Platform, Language, ShopKey, ShopPattern } from "./fields.js";
export { Shops, ShopOverride, MetricOverride } from "./shops.js";
export { Receiver, Receivers, ReceiverName, RECEIVER_TYPES, type ReceiverType, type ReceiverOf } from "./receivers.js";
export { Route, RouteMatch, QuietHours, Mentions, SEVERITIES, ALERT_KINDS } from "./routes.js";
export { Platforms } from "./platforms.js";
export { Quotas, DEFAULT_SHOP_LIVE_ENTITIES } from "./quotas.js";
export { ApiToken, ApiTokens } from "./apiTokens.js";
export { SilenceLimits, TokenSilenceLimits } from "./silenceLimits.js";
export { MIN_TOKEN_LENGTH } from "./crossField.js";
export { SECRET_FIELDS } from "./secrets.js";
export {
  PackChoice,
  PackChoices,
  ScoreParameters,
  IndustryParams,
  BandParams,
  ShopScoreInputs,
  ScoreLines,
  PlatformScoreLines,
  PlatformScoreCalibration,
} from "./scores.js";
export { Reconciliation, DouyinScoreApi, KuaishouScoreApi } from "./reconciliation.js";
export { Calendars, CalendarEntry, CalendarDay, CalendarMetrics, CALENDAR_RULES, calendarLists, type CalendarRule } from "./calendars.js";
