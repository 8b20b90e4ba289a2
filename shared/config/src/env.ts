import { z } from "zod";
import { ConfigError } from "./errors.js";
import { describeIssues } from "./issues.js";

export type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses a service's environment with its zod schema, once, at start-up (style.md "One zod Env per service";
 * trigger.dev apps/supervisor/src/env.ts). Throws `ConfigError` naming every bad variable and why; values are
 * never quoted, since variables such as `REDIS_URL` carry passwords.
 */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, source: EnvSource = process.env): z.output<S> {
  const r = schema.safeParse(source);
  if (r.success) return r.data as z.output<S>;
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
      .default(String(defaultPort)),
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
      .default(String(defaultValue)),
  );
}

/** `KAFKA_BROKERS=host:9092,host2:9092` → `["host:9092", "host2:9092"]`; unset → `undefined` (all-in-one starts a local Kafka). */
export function envBrokers() {
  const broker = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((s) => s.split(",").map((b) => b.trim()).filter((b) => b !== ""))
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

/** `1/true/yes/on` or `0/false/no/off`, case-insensitive. */
export function envBool(defaultValue: boolean) {
  return z.preprocess(
    (v) => (typeof v === "string" ? blankToUndefined(v.trim().toLowerCase()) : v),
    z
      .string()
      .regex(/^(1|true|yes|on|0|false|no|off)$/, "must be true or false (1/0, yes/no, on/off)")
      .transform((s) => ["1", "true", "yes", "on"].includes(s))
      .default(defaultValue ? "true" : "false"),
  );
}
