/**
 * Token buckets keyed by API token or source address (floods get 429, with a per-token or
 * per-source limit"). In-process, so each gateway instance limits on its own; a client spread over N
 * instances gets N times the rate, which is acceptable for flood protection (not for quotas).
 */
export interface RateLimit {
  /** Sustained requests per second. */
  ratePerSec: number;
  /** Requests allowed at once after a quiet period. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSec: number };

export interface RateLimiter {
  take(key: string): TakeResult;
  /** Seconds until `key` could take one, or null when it can now; takes nothing. */
  wait(key: string): number | null;
  /** Number of keys currently tracked (bounded by `maxKeys`). */
  readonly size: number;
}

export function createRateLimiter(limit: RateLimit, opts: { maxKeys?: number; now?: () => number } = {}): RateLimiter {
  if (!(limit.ratePerSec > 0) || !(limit.burst >= 1)) throw new RangeError("rate limit needs ratePerSec > 0 and burst >= 1");
  const maxKeys = opts.maxKeys ?? 10_000;
  const now = opts.now ?? Date.now;
  // Map keeps insertion order; a key is re-inserted on use, so the first entries are the least recently used.
  const buckets = new Map<string, { tokens: number; at: number }>();

  const retryAfter = (tokens: number) => Math.max(1, Math.ceil((1 - tokens) / limit.ratePerSec));

  return {
    get size() {
      return buckets.size;
    },
    wait(key) {
      const b = buckets.get(key);
      if (b === undefined) return null;
      const tokens = Math.min(limit.burst, b.tokens + ((now() - b.at) / 1000) * limit.ratePerSec);
      return tokens >= 1 ? null : retryAfter(tokens);
    },
    take(key) {
      const t = now();
      const b = buckets.get(key);
      let tokens = limit.burst;
      if (b !== undefined) {
        tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.ratePerSec);
        buckets.delete(key);
      } else if (buckets.size >= maxKeys) {
        // Evict the least recently used key; a flood of distinct keys cannot grow memory without bound.
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: t });
        return { ok: true };
      }
      buckets.set(key, { tokens, at: t });
      return { ok: false, retryAfterSec: retryAfter(tokens) };
    },
  };
}
