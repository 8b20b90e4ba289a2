/** Retry policy for retryable delivery errors (alerts.md "Retries"). */
export interface RetryPolicy {
  /** First delay. */
  baseMs: number;
  /** Cap of one delay. */
  maxMs: number;
  /** A message failing for longer than this since its first failure is given up and recorded as failed. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, maxElapsedMs: 10 * 60_000 };

/**
 * Exponential backoff with "equal jitter" (half fixed, half random; AWS Architecture Blog, "Exponential
 * Backoff And Jitter"), never shorter than the robot's own Retry-After.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.ceil(Math.max(jittered, retryAfterMs ?? 0));
}
