import type { FastifyBaseLogger } from "fastify";
import { createRateLimiter, type RateLimit } from "./rate-limit.js";

/**
 * Failed authentication, per source address: a token bucket of failures (an address that spent it gets 429
 * with `Retry-After` on every token-scoped route until it refills, so guessing is slowed and a right guess is
 * not told apart from a wrong one), and one summary log line per interval instead of one line per failure.
 * Each address has its own bucket: one address's failures never slow another address. A token already
 * authenticated from the address keeps working while it is blocked (clients behind one NAT as a guesser keep
 * their service; a guesser cannot use this, as it holds no such token). Memory is bounded: at most
 * `maxSources` buckets and `maxSources` (address, token) pairs (least recently used evicted), and
 * `maxSources` addresses counted per summary.
 */
export type AuthFailureReason = "missing_token" | "unknown_token" | "rate_limited";

export interface AuthFailureGuard {
  /** Seconds until `source` may authenticate again, or null when it may now. Takes nothing from its bucket. */
  blockedFor(source: string): number | null;
  /** Records a refused authentication from `source`; an unknown token takes one failure from its bucket. */
  failed(source: string, reason: AuthFailureReason): void;
  /** Records that `token` (its fingerprint) authenticated from `source`. */
  succeeded(source: string, token: string): void;
  /** True when `token` authenticated from `source` before: it passes while the address is blocked. */
  known(source: string, token: string): boolean;
  /** Writes the summary of failures since the last one, if there were any. */
  flush(): void;
  /** Stops the interval timer after a last flush. */
  close(): void;
  /** Addresses with a bucket now (at most `maxSources`). */
  readonly size: number;
}

export interface AuthFailureOptions {
  /** Failures per source: sustained rate and burst. */
  limit: RateLimit;
  logger: Pick<FastifyBaseLogger, "warn">;
  /** The summary interval; default 60 s. */
  intervalMs?: number;
  /** Most addresses tracked (buckets, and per summary); default 10,000. */
  maxSources?: number;
  now?: () => number;
}

/** An address may fail 20 times at once, then once every 5 s: 429 meanwhile (`GATEWAY_AUTH_FAILURE_*`). */
export const DEFAULT_AUTH_FAILURE_RATE: RateLimit = { ratePerSec: 0.2, burst: 20 };
export const DEFAULT_AUTH_LOG_INTERVAL_MS = 60_000;
/** Addresses named in a summary line, the most failing first. */
const TOP_SOURCES = 5;

export function createAuthFailureGuard(o: AuthFailureOptions): AuthFailureGuard {
  const now = o.now ?? Date.now;
  const intervalMs = o.intervalMs ?? DEFAULT_AUTH_LOG_INTERVAL_MS;
  const maxSources = o.maxSources ?? 10_000;
  const buckets = createRateLimiter(o.limit, { maxKeys: maxSources, now });
  let since = now();
  let counts: Record<AuthFailureReason, number> = { missing_token: 0, unknown_token: 0, rate_limited: 0 };
  let bySource = new Map<string, number>();
  let untracked = 0;
  // (address, token fingerprint) pairs that authenticated, least recently used first.
  const pairs = new Map<string, true>();

  const flush = () => {
    const total = counts.missing_token + counts.unknown_token + counts.rate_limited;
    const t = now();
    if (total > 0) {
      const top = [...bySource.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP_SOURCES)
        .map(([ip, failures]) => ({ ip, failures }));
      o.logger.warn(
        { failures: total, ...counts, sources: bySource.size + (untracked > 0 ? 1 : 0), top, seconds: Math.round((t - since) / 1000) },
        `refused: ${total} failed authentications from ${bySource.size}${untracked > 0 ? "+" : ""} addresses`,
      );
    }
    since = t;
    counts = { missing_token: 0, unknown_token: 0, rate_limited: 0 };
    bySource = new Map();
    untracked = 0;
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();

  return {
    get size() {
      return buckets.size;
    },
    blockedFor(source) {
      return buckets.wait(source);
    },
    failed(source, reason) {
      // A summary overdue (a stalled timer, or a test clock) is written before this failure is counted.
      if (now() - since >= intervalMs) flush();
      if (reason === "unknown_token") buckets.take(source);
      counts[reason]++;
      const n = bySource.get(source);
      if (n !== undefined) bySource.set(source, n + 1);
      else if (bySource.size < maxSources) bySource.set(source, 1);
      else untracked++;
    },
    succeeded(source, token) {
      const key = `${source}|${token}`;
      if (pairs.delete(key) === false && pairs.size >= maxSources) {
        const oldest = pairs.keys().next();
        if (!oldest.done) pairs.delete(oldest.value);
      }
      pairs.set(key, true);
    },
    known(source, token) {
      return pairs.has(`${source}|${token}`);
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}
