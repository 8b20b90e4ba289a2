import { StateContentionError } from "../state/entity-store.js";

/**
 * Why applying a batch failed, as the consumer must treat it:
 * - `transient`: Redis or the network is away, busy, out of memory or failing over, or another instance is
 *   applying the same shops. Nothing is wrong with the records: the batch is retried whole, as long as it
 *   takes, and readiness shows the outage. Quarantining here would drop good events of every shop.
 * - `records`: anything else (a script error such as Lua's "too many results to unpack", an exception in the
 *   fold). It may follow from the records themselves, so the batch is retried shop by shop and a shop whose
 *   events keep failing is quarantined (poison.ts).
 */
export type FailureClass = "transient" | "records";

/** Reply prefixes Redis uses for conditions that pass by themselves (or with an operator, not with other records). */
const TRANSIENT_REPLIES = [
  "OOM",
  "BUSY",
  "LOADING",
  "READONLY",
  "CLUSTERDOWN",
  "TRYAGAIN",
  "MASTERDOWN",
  "NOREPLICAS",
  "MOVED",
  "ASK",
  "NOAUTH",
  "WRONGPASS",
  "NOPERM",
];
/** Socket-level error codes. */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "NR_CLOSED",
]);
/** ioredis's own errors when a command cannot reach a server. */
const TRANSIENT_NAMES = new Set(["MaxRetriesPerRequestError", "ClusterAllFailedError", "AbortError", "StateContentionError"]);
const TRANSIENT_MESSAGES = [
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Failed to refresh slots cache/i,
  /Too many Cluster redirections/i,
  /Command timed out/i,
  /connect ETIMEDOUT/i,
  /Reached the max retries/i,
  /None of startup nodes is available/i,
];

export function classifyFailure(err: unknown): FailureClass {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StateContentionError) return "transient";
    if (TRANSIENT_NAMES.has(e.name)) return "transient";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return "transient";
    if (e.name === "ReplyError" && TRANSIENT_REPLIES.some((p) => e.message.startsWith(p))) return "transient";
    if (TRANSIENT_MESSAGES.some((r) => r.test(e.message))) return "transient";
  }
  return "records";
}
