import type { PlatformFigures } from "@sg/events";

/** A shop's figures of one day from a platform's score API. */
export interface FigureSource {
  readonly platform: "douyin" | "kuaishou";
  /** Shop ids this source pulls (the configuration's `reconciliation.<platform>.shops`). */
  readonly shops: readonly string[];
  /** The Shanghai time of day (`HH:MM`) after which yesterday's figures are pulled. */
  readonly pullAt: string;
  pull(shopId: string, day: string, nowMs: number): Promise<PlatformFigures>;
}

/**
 * A pull that failed. `retriable`: the platform was down or slow (network, timeout, HTTP 5xx or 429, a
 * platform error that says "busy"); otherwise permanent for this attempt's inputs (a refused signature or
 * token, an answer that does not parse). Both leave the shop-day `missing`; only retriable ones are retried
 * before the next day. The message never holds a credential.
 */
export class PullError extends Error {
  override readonly name = "PullError";
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Fetches `url` without following redirects (a pull goes only to the configured host), within `timeoutMs`.
 * Network failures and timeouts become retriable PullErrors; the URL (which carries the token) is not in them.
 */
export async function fetchOnce(url: URL, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    if (res.status >= 300 && res.status < 400)
      throw new PullError(`HTTP ${res.status}: redirects are not followed (pulls go to the configured host only)`, false);
    if (res.status === 429 || res.status >= 500) throw new PullError(`HTTP ${res.status}`, true);
    if (res.status !== 200) throw new PullError(`HTTP ${res.status}`, false);
    return res;
  } catch (err) {
    if (err instanceof PullError) throw err;
    const name = err instanceof Error ? err.name : "error";
    throw new PullError(name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : `network failure (${name})`, true);
  }
}
