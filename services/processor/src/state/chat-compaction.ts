import { toMillis, type CanonicalEvent } from "@sg/events";

/**
 * Exact compaction of old chat-stage events (the bounded-state rule, without losing exactness).
 *
 * Chat metrics only count the day of `asOf` (metrics.md: every chat metric's window is `day`). Events from
 * before `cutoff` (00:00 Asia/Shanghai of yesterday) reach today's results only through what they leave open:
 * whether the consumer is in the human stage, and whether a wait is still open. Per consumer, it is enough
 * to keep, of the events before `cutoff`:
 * - the last reply (agent, or assist robot) R: every wait opened at or before R has ended by R;
 * - the consumer messages after R: they may have opened a wait still open at `cutoff`;
 * - the human-stage marks after R, and those at the latest mark time at or before R, which give the stage
 *   from R onwards.
 * Robot messages without `assist` never end a wait and are dropped. JD sessions open on a gap of over 10
 * minutes, so a message before `cutoff` cannot change which of today's messages open a session.
 *
 * The rule merges: compacting again after late events arrive keeps what compacting everything at once keeps,
 * so results stay equal to the in-order result for events of any age within retention.
 */
export const CHAT_STAGE_TYPES: ReadonlySet<string> = new Set(["chat.transferred", "chat.message", "chat.closed"]);

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;

/** 00:00 Asia/Shanghai of the day before `nowMs`'s day. */
export function chatCutoff(nowMs: number): number {
  return Math.floor((nowMs + SHANGHAI) / DAY) * DAY - SHANGHAI - DAY;
}

function isReply(e: CanonicalEvent): boolean {
  return e.type === "chat.message" && (e.sender === "agent" || (e.sender === "robot" && e.assist === true));
}

/** Of the chat-stage events before `cutoff` (any order), the ids that can be dropped. */
export function droppableChatEvents(events: CanonicalEvent[], cutoff: number): string[] {
  const byConsumer = new Map<string, { e: CanonicalEvent; ms: number }[]>();
  for (const e of events) {
    if (!CHAT_STAGE_TYPES.has(e.type) || !("consumerId" in e) || typeof e.consumerId !== "string") continue;
    const ms = toMillis(e.at);
    if (ms >= cutoff) continue;
    let list = byConsumer.get(e.consumerId);
    if (!list) byConsumer.set(e.consumerId, (list = []));
    list.push({ e, ms });
  }
  const drop: string[] = [];
  for (const list of byConsumer.values()) {
    let lastReply: { e: CanonicalEvent; ms: number } | undefined;
    for (const x of list) {
      if (isReply(x.e) && (!lastReply || x.ms > lastReply.ms || (x.ms === lastReply.ms && x.e.id > lastReply.e.id))) lastReply = x;
    }
    const r = lastReply?.ms ?? Number.NEGATIVE_INFINITY;
    let lastMarkAtOrBeforeR = Number.NEGATIVE_INFINITY;
    for (const x of list) {
      if (x.e.type !== "chat.message" && x.ms <= r && x.ms > lastMarkAtOrBeforeR) lastMarkAtOrBeforeR = x.ms;
    }
    for (const x of list) {
      let keep: boolean;
      if (x.e.type === "chat.message") {
        keep = x === lastReply || (x.e.sender === "consumer" && x.ms > r);
      } else {
        keep = x.ms > r || x.ms === lastMarkAtOrBeforeR;
      }
      if (!keep) drop.push(x.e.id);
    }
  }
  return drop;
}
