import type { Channel, HttpAnswer, SendResult } from "./channel.js";

export interface PostOptions {
  now: number;
  timeoutMs: number;
  /** The message's stable key, the same on every retry (alerts.md "Identity and dedup"). */
  key?: string;
}

/**
 * Signs (fresh, for `now`), posts and classifies. Network failures and timeouts are retryable. The
 * error's message is never used: undici messages can carry the URL, which holds the robot's token.
 */
export async function sendOnce(channel: Channel, body: unknown, opts: PostOptions): Promise<SendResult> {
  const req = channel.request(body, opts.now, opts.key);
  let answer: HttpAnswer;
  try {
    const res = await fetch(req.url, {
      method: "POST",
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: "manual",
    });
    answer = { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    return { outcome: "retryable", code: networkCode(e) };
  }
  return channel.classify(answer);
}

/** A short code for a fetch failure, from the error's class and its cause's `code` (kafkajs-style). */
export function networkCode(e: unknown): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return "timeout";
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return `net_${code}`;
    cur = cur.cause;
  }
  return "network";
}
