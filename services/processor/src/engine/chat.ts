import type { ConsumerFacts } from "./model.js";

/** Chat rules shared by several metrics: metrics.md "Shared definitions". */

export interface Interval {
  start: number;
  end: number;
}

/**
 * Human stage: each interval from a `chat.transferred` to the next `chat.closed`, `[transferred, closed)`.
 * A close and a transfer at the same instant end the old stage before the new one starts.
 */
export function humanStages(c: ConsumerFacts): Interval[] {
  const marks = [...c.closes.map((at) => ({ at, open: false })), ...c.transfers.map((at) => ({ at, open: true }))].sort(
    (a, b) => a.at - b.at || Number(a.open) - Number(b.open),
  );
  const out: Interval[] = [];
  let start: number | undefined;
  for (const m of marks) {
    if (m.open && start === undefined) start = m.at;
    else if (!m.open && start !== undefined) {
      out.push({ start, end: m.at });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ start, end: Number.POSITIVE_INFINITY });
  return out;
}

export function inIntervals(t: number, xs: Interval[]): boolean {
  return xs.some((i) => t >= i.start && t < i.end);
}

/** A reply round: opened by a consumer message in the human stage; `end` absent while unanswered. */
export interface Wait {
  open: number;
  end?: number;
}

/** Times of messages that end a wait: `agent`, or `robot` with `assist: true`. */
export function replyTimes(c: ConsumerFacts): number[] {
  return c.messages.filter((m) => m.sender === "agent" || (m.sender === "robot" && m.assist)).map((m) => m.at);
}

function firstAtOrAfter(sorted: number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

/**
 * Waits of one consumer (metrics.md "Wait (reply round)"): a consumer message in the human stage opens a
 * wait unless one is open at that instant; it ends at the earliest reply at or after its opening.
 */
export function waits(c: ConsumerFacts): Wait[] {
  const stages = humanStages(c);
  const replies = replyTimes(c);
  const out: Wait[] = [];
  let current: Wait | undefined;
  for (const m of c.messages) {
    if (m.sender !== "consumer" || !inIntervals(m.at, stages)) continue;
    // Open at that instant: opened at it (several consumer messages at one instant are one round, even when a
    // reply at that instant ends it), or not yet ended (one that ended at that very instant no longer is).
    if (current && (current.open === m.at || current.end === undefined || current.end > m.at)) continue;
    const end = firstAtOrAfter(replies, m.at);
    current = end === undefined ? { open: m.at } : { open: m.at, end };
    out.push(current);
  }
  return out;
}

/** A JD consultation session (jd@2023-01 `first_response_30s_rate`). */
export interface Session {
  /** The session's first consumer message. */
  open: number;
  /** The first agent or assist-robot reply at or after `open`. */
  firstReply?: number;
}

/**
 * A consumer message opens a session if the consumer has none, or if their last message in either
 * direction is over `gapMs` old. A session lives while messages in either direction follow each other within
 * `gapMs`; after a longer silence the consumer has none, and an agent's message does not open one.
 */
export function sessions(c: ConsumerFacts, gapMs: number): Session[] {
  const replies = replyTimes(c);
  const out: Session[] = [];
  let last: number | undefined;
  let live = false;
  for (const m of c.messages) {
    if (last !== undefined && m.at - last > gapMs) live = false;
    if (m.sender === "consumer" && !live) {
      const firstReply = firstAtOrAfter(replies, m.at);
      out.push(firstReply === undefined ? { open: m.at } : { open: m.at, firstReply });
      live = true;
    }
    last = m.at;
  }
  return out;
}
