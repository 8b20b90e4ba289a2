import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { describeIssues } from "./issues.js";

export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses a service's environment with its zod schema, once, at start-up (style.md "One zod Env per service";
 * trigger.dev apps/supervisor/src/env.ts). Throws `ConfigError` naming every bad variable and why; values are
 * never quoted, since variables such as `REDIS_URL` carry passwords.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: EnvSource = process.env): z.output<S> {
  const r = schema.safeParse(source);
  if (r.success) return r.data;
  throw new ConfigError("Invalid environment variables:", describeIssues(r.error, { quoteValues: false }));
}

/** `VAR=` (set but empty, as `.env` files and compose often leave it) counts as unset, so the default applies. */
const blankToUndefined = (v: unknown): unknown => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A TCP port, 0..65535 (0 = any free port, used by tests). */
export function envPort(defaultPort: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,5}$/, "must be a port number 0..65535")
      .transform(Number)
      .refine((n) => n <= 65_535, "must be a port number 0..65535")
      .default(defaultPort),
  );
}

/** An integer in [min, max] with a default, e.g. `EXPORT_SHOP_LIMIT` (architecture.md, default 1000). */
export function envInt(defaultValue: number, range: { min?: number; max?: number } = {}) {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^-?\d+$/, "must be an integer")
      .transform(Number)
      .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`)
      .default(defaultValue),
  );
}

/** `KAFKA_BROKERS=host:9092,host2:9092` → `["host:9092", "host2:9092"]`; unset → `undefined` (all-in-one starts a local Kafka). */
export function envBrokers() {
  const broker = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((b) => b.trim())
          .filter((b) => b !== ""),
      )
      .refine((list) => list.length > 0 && list.every((b) => broker.test(b)), "must be a comma-separated list of host:port")
      .optional(),
  );
}

/** pino's levels (pino.d.ts `LevelWithSilent`). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL`, case-insensitive, default `info`. */
export function envLogLevel(defaultLevel: LogLevel = "info") {
  return z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.trim().toLowerCase()) : v),
    z.enum(LOG_LEVELS).default(defaultLevel),
  );
}

/** A string with a default (`TOPIC_PREFIX` defaults to `""`, `KEY_PREFIX` to `sg`). */
export function envString(defaultValue: string) {
  return z.preprocess(blankToUndefined, z.string().default(defaultValue));
}

/** An optional string, e.g. `SCOREGUARD_CONFIG` (a path; unset → empty config). */
export function envOptionalString() {
  return z.preprocess(blankToUndefined, z.string().optional());
}

/** An optional URL with one of the given schemes, e.g. `REDIS_URL` (`redis:`, `rediss:`). */
export function envUrl(protocols: readonly string[]) {
  const expected = protocols.map((p) => `${p.replace(/:$/, "")}://`).join(" or ");
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((s) => {
        try {
          return protocols.map((p) => p.replace(/:$/, "") + ":").includes(new URL(s).protocol);
        } catch {
          return false; // not a URL at all: the refinement reports it
        }
      }, `must be a ${expected} URL`)
      .optional(),
  );
}

/**
 * `REDIS_URL`: one Redis (`redis://`, `rediss://`) or a Redis Cluster given by some of its nodes,
 * `redis+cluster://[user:pass@]host1:port1,host2:port2` (`rediss+cluster://` for TLS). The same grammar as
 * `parseRedisUrl` of `@sg/redis`, which `createRedis` applies; checked here so a bad URL fails at start-up.
 */
export function envRedisUrl() {
  const cluster = /^rediss?\+cluster:\/\/(?:.*@)?((?:\[[^\]]+\]|[^:,/@]+):\d{1,5}(?:,(?:\[[^\]]+\]|[^:,/@]+):\d{1,5})*)\/*$/i;
  const node = envUrl(["redis", "rediss"]);
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(
        (s) => cluster.test(s.trim()) || node.safeParse(s).success,
        "must be a redis:// or rediss:// URL, or redis+cluster://host1:port1,host2:port2",
      )
      .optional(),
  );
}

/** `1/true/yes/on` or `0/false/no/off`, case-insensitive. */
export function envBool(defaultValue: boolean) {
  return z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.trim().toLowerCase()) : v),
    z
      .string()
      .regex(/^(1|true|yes|on|0|false|no|off)$/, "must be true or false (1/0, yes/no, on/off)")
      .transform((s) => ["1", "true", "yes", "on"].includes(s))
      .default(defaultValue),
  );
}

/**
 * The variables every process reads, defined once (docs/interfaces.md "Environment variables"); each service
 * extends it with its own: `BaseEnv.extend({ GATEWAY_PORT: envPort(8080), ... })`.
 * `KAFKA_BROKERS` and `REDIS_URL` are optional here because the all-in-one, `replay` and the tests start
 * local infrastructure when they are unset; a standalone service calls `requireInfra` instead.
 */
export const BaseEnv = z.object({
  KAFKA_BROKERS: envBrokers(),
  REDIS_URL: envRedisUrl(),
  SCOREGUARD_CONFIG: envOptionalString(),
  TOPIC_PREFIX: envString(""),
  KEY_PREFIX: envString("sg"),
  LOG_LEVEL: envLogLevel(),
});
export type BaseEnv = z.infer<typeof BaseEnv>;

/** Variables more than one process reads (a service and the all-in-one), with one default and one range each. */
/**
 * The processor service's PROCESSOR_PARTITIONS_AT_ONCE: three partitions' batches applied at once. At 1,000 shops and
 * 5,000 live events/s a batch's delay p50 fell from 1.36–1.74 s to 91–217 ms and the alert's median from 2.0–3.1 s to
 * 0.5–1.1 s; a backlog is consumed ~15 % faster (docs/bench.md, runs of 2026-12-07/08 23:45–01:16 UTC). The all-in-one
 * keeps 1: its event loop is shared with the gateway and the notifier, whose delays grew with 3.
 */
export const PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT = 3;

export const SharedEnvVars = {
  /** Partitions of `sg.events` when this process is the first to create it. */
  EVENTS_PARTITIONS: () => envInt(12, { min: 1, max: 1000 }),
  /** How often changed shops are re-evaluated, ms. */
  EVAL_INTERVAL_MS: () => envInt(250, { min: 10, max: 60_000 }),
  /**
   * The processor's bound on the aggregates it keeps between evaluations (state/aggregate-cache.ts), MB. Size it
   * to the shops the process evaluates often: about 32 KB a shop of the bench's mix of 30-day windows, 100 KB a busy
   * one (estimated); a cache
   * that cannot hold the active shops reads every day from Redis at every evaluation (docs/engine.md).
   */
  AGGREGATE_CACHE_MB: () => envInt(256, { min: 0, max: 65_536 }),
  /**
   * How many partitions' batches of sg.events the processor applies at once (kafkajs
   * `partitionsConsumedConcurrently`): while one batch waits on Redis another is folded (docs/engine.md).
   * The processor service's default is PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT; the all-in-one's is 1.
   */
  PROCESSOR_PARTITIONS_AT_ONCE: (def = PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT) => envInt(def, { min: 1, max: 64 }),
  /** Per-shop metric gauges are exported for at most this many shops (architecture.md). */
  EXPORT_SHOP_LIMIT: () => envInt(1000, { min: 0, max: 100_000 }),
  /** The notifier's ticker period, ms: the resolution of group_wait and the other timers. */
  NOTIFIER_TICK_MS: () => envInt(1000, { min: 10, max: 60_000 }),
  /** Base URL of the dashboards linked from messages, when the config has no `grafana.url`. */
  GRAFANA_URL: () => envUrl(["http", "https"]),
  /**
   * Replicas that must hold Redis writes before the processor commits a batch's offsets and the notifier its
   * alerts' offsets and delivery marks (`WAIT n`, on each node written). 0 (default) turns the wait off: a Redis
   * without replicas. Production with replicas sets 1 (docs/operations.md "Replicated Kafka and Redis").
   */
  REDIS_MIN_REPLICAS_ACK: () => envInt(0, { min: 0, max: 16 }),
  /** How long that wait may take on each node before the batch is retried instead of acknowledged, ms. */
  REDIS_REPLICA_ACK_TIMEOUT_MS: () => envInt(2_000, { min: 10, max: 60_000 }),
} as const;

/** What a standalone service needs that only the all-in-one, `replay` and the tests may start locally. */
export interface Infra {
  brokers: string[];
  redisUrl: string;
}

/**
 * A standalone service never starts a broker or a redis-server of its own: without `KAFKA_BROKERS` or
 * `REDIS_URL` it stops at once with a `ConfigError` naming what is missing (and never the values).
 */
export function requireInfra(env: Pick<BaseEnv, "KAFKA_BROKERS" | "REDIS_URL">, service: string): Infra {
  const missing: ConfigProblem[] = [];
  if (env.KAFKA_BROKERS === undefined)
    missing.push({ path: "KAFKA_BROKERS", reason: "must be set (host:port,…) for a standalone service" });
  if (env.REDIS_URL === undefined) missing.push({ path: "REDIS_URL", reason: "must be set (redis://…) for a standalone service" });
  if (missing.length > 0 || env.KAFKA_BROKERS === undefined || env.REDIS_URL === undefined) {
    throw new ConfigError(
      `Invalid environment variables: the ${service} alone does not start local Kafka or Redis (run \`npm start\` for the all-in-one process, which does):`,
      missing,
    );
  }
  return { brokers: env.KAFKA_BROKERS, redisUrl: env.REDIS_URL };
}
