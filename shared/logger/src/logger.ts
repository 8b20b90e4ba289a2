import { pino, type Bindings, type DestinationStream, type LevelWithSilent, type LogFn, type Logger, type LoggerOptions } from "pino";
import { redactUrl, scrubText } from "./redactUrl.js";
import { CENSOR, sanitize } from "./sanitize.js";

export type { Logger } from "pino";

export interface CreateLoggerOptions {
  /** The service or component, e.g. `notifier`; every line carries it as `name`. */
  name: string;
  /** Default `info` (`LOG_LEVEL`). */
  level?: LevelWithSilent;
  /** Where JSON lines go; default stdout. Tests pass a stream to capture them. */
  destination?: DestinationStream;
}

/** Secret-bearing fields, by path (pino `redact`, fast-redact syntax). `url` values are redacted rather than dropped. */
const SECRET_FIELDS = [
  "secret",
  "token",
  "appSecret",
  "messageSecret",
  "clientSecret",
  "password",
  "accessToken",
  "access_token",
  "apiKey",
  "authorization",
  "cookie",
  "sign",
  "salt",
  "url",
];
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  "headers.authorization",
  "*.headers.authorization",
  "headers.cookie",
  "*.headers.cookie",
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  "receivers.*.url",
  "kuaidi100.key",
  "*.kuaidi100.key",
];

function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === "url" && typeof value === "string" ? redactUrl(value) : CENSOR;
}

/**
 * A pino logger writing JSON lines, with secrets kept out in three layers (alerts.md "Secrets"):
 * 1. `hooks.logMethod` sanitizes every argument (the message, printf arguments, the merged object, errors and their
 *    causes): secret-named fields at any depth are censored, URLs redacted, credentials masked in strings;
 * 2. pino `redact` censors the known secret paths (it also covers bindings passed to `child`);
 * 3. `hooks.streamWrite` scrubs the finished line, the last net for anything that reached it another way.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const opts: LoggerOptions = {
    name: options.name,
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor },
    serializers: {
      // Defensive: the hook and the bindings formatter have already serialized and scrubbed errors.
      err: serializeError,
      error: serializeError,
    },
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => sanitize(bindings) as Bindings,
    },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // pino takes the message of an error logged alone (or under `err`) when no message is given; do the same
        // here, so that it is taken from the scrubbed copy.
        const obj = first instanceof Error ? { err: first } : first;
        const clean = [sanitize(obj), ...rest.map(sanitize)];
        const fields = typeof obj === "object" && obj !== null ? (obj as { err?: unknown; msg?: unknown }) : {};
        const err = fields.err;
        const hasMsg = rest.length > 0 || fields.msg !== undefined;
        if (err instanceof Error && !hasMsg) clean.push(scrubText(err.message));
        method.apply(this, clean as Parameters<LogFn>);
      },
      streamWrite: scrubText,
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

function serializeError(value: unknown): unknown {
  return value instanceof Error ? sanitize(value) : value;
}
