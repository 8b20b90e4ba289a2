import { stdSerializers } from "pino";
import { redactUrl, scrubText } from "./redactUrl.js";

export const CENSOR = "[Redacted]";

/** Field names whose values are always censored, compared without case, `-` or `_` (so `client_secret` = `clientSecret`). */
const SECRET_KEYS = new Set([
  "secret",
  "token",
  "appsecret",
  "messagesecret",
  "clientsecret",
  "password",
  "passwd",
  "accesstoken",
  "refreshtoken",
  "apikey",
  "xapikey",
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "sign",
  "signature",
  "salt",
  "privatekey",
  "credentials",
]);
const URL_KEYS = new Set(["url", "href", "uri", "webhook", "webhookurl", "endpoint", "redisurl"]);

const normalize = (key: string) => key.replace(/[-_]/g, "").toLowerCase();

export function isSecretKey(key: string): boolean {
  const k = normalize(key);
  return SECRET_KEYS.has(k) || k.endsWith("secret") || k.endsWith("password") || (k.endsWith("token") && k !== "token");
}

const MAX_DEPTH = 10;

/**
 * A copy of `value` fit for a log line: secret-named fields censored at any depth, URLs redacted, credentials
 * masked in every string, errors serialized (message, stack, cause) and then scrubbed. Cycles become `[Circular]`.
 */
export function sanitize(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === "string") return scrubText(value);
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (value instanceof URL) return redactUrl(value.href);
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Object]";
  if (value instanceof Error) return walk(dropCommandArgs(stdSerializers.err(value)), depth, ancestors);
  if (value instanceof Map || value instanceof Set)
    return walk(Object.fromEntries(value instanceof Map ? value : [...value].entries()), depth, ancestors);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return walk(toJSON.call(value), depth, ancestors);

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, ancestors));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && v !== null && isSecretKey(k)) out[k] = CENSOR;
      else if (typeof v === "string" && URL_KEYS.has(normalize(k))) out[k] = scrubText(redactUrl(v));
      else out[k] = walk(v, depth + 1, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Fields of an error that hold what a client sent: ioredis puts the failed command on the error
 * (`command: { name: "auth", args: [password] }`), and a client's `options` may hold its password. Only the
 * command's name is kept.
 */
const SENT_FIELDS = new Set(["args", "argv", "options", "connectionOptions"]);

function dropCommandArgs(serialized: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(serialized)) {
    if (SENT_FIELDS.has(k)) out[k] = CENSOR;
    else if (k === "command" && typeof v === "object" && v !== null) {
      const name = (v as { name?: unknown }).name;
      out[k] = { name: typeof name === "string" ? name : undefined, args: CENSOR };
    } else out[k] = v;
  }
  return out;
}
