import type { Cluster, Redis } from "ioredis";

/** Told about a client's `error` events: every one, with how many were folded into this report since the last. */
export type RedisErrorHandler = (err: Error, info: { suppressed: number }) => void;

/** Between two reports of a client's errors; a Redis outage emits one per reconnect attempt. */
export const REDIS_ERROR_REPORT_MS = 10_000;

/**
 * Listens to the client's `error` events. Without a listener, ioredis prints "Unhandled error event" with the
 * error's stack for every reconnect attempt; an `error` event emitted elsewhere without one would be an uncaught
 * exception. The client reconnects by itself (retryStrategy), so an error here is only reported: the first at
 * once, later ones at most every REDIS_ERROR_REPORT_MS with the count of those folded in.
 */
export function listenForRedisErrors(client: Redis | Cluster, report: RedisErrorHandler = reportToStderr): void {
  let lastReport = 0;
  let suppressed = 0;
  client.on("error", (err: Error) => {
    const now = Date.now();
    if (now - lastReport < REDIS_ERROR_REPORT_MS) {
      suppressed++;
      return;
    }
    lastReport = now;
    const n = suppressed;
    suppressed = 0;
    report(err, { suppressed: n });
  });
}

/**
 * A one-line description that carries no secret: the error's name, code and message with any URL credentials
 * masked. Never the error object itself, whose `command.args` holds an AUTH password.
 */
export function describeRedisError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = (err as { code?: unknown }).code;
  const message = err.message.replace(/\/\/[^/@\s]*@/g, "//***@");
  return `${err.name}${typeof code === "string" ? ` ${code}` : ""}: ${message}`;
}

function reportToStderr(err: Error, info: { suppressed: number }): void {
  const more = info.suppressed > 0 ? ` (${info.suppressed} more since the last report)` : "";
  process.stderr.write(`redis client error: ${describeRedisError(err)}${more}\n`);
}
