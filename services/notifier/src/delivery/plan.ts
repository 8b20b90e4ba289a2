import type { Channel, MessageContent } from "../channels/channel.js";
import type { Notification } from "../model/types.js";

export interface Composer {
  /** One group's notification, in detail. */
  one(n: Notification): MessageContent;
  /** Several notifications merged into one summary. */
  many(ns: readonly Notification[]): MessageContent;
}

export interface PlannedMessage {
  content: MessageContent;
  notifications: Notification[];
}

/**
 * Turns what is queued for one robot into messages (alerts.md "Rate limits", "Size"). A robot with a rate
 * limit gets everything merged into one summary, split into as few summaries as its byte limit allows;
 * one queued notification goes out in detail. A channel without limits (generic webhook) gets one message
 * per notification, since each carries its own group key.
 */
export function planMessages(channel: Channel, queued: readonly Notification[], compose: Composer): PlannedMessage[] {
  if (queued.length === 0) return [];
  if (channel.buckets.length === 0) return queued.map((n) => ({ content: compose.one(n), notifications: [n] }));
  const first = queued[0];
  if (queued.length === 1 && first) return [{ content: compose.one(first), notifications: [first] }];

  // A summary only grows with the notifications it merges, so each message takes the longest run of
  // queued notifications whose summary fits (binary search), not a re-composition for every prefix: a
  // burst of n costs O(log n) compositions per message instead of O(n), each of them O(n) to render.
  const summaryIfFits = (ns: readonly Notification[]): MessageContent | null => {
    const c = compose.many(ns);
    return channel.render(c, c.items.length).size <= channel.maxBytes ? c : null;
  };
  const out: PlannedMessage[] = [];
  for (let start = 0; start < queued.length;) {
    const rest = queued.slice(start);
    let content = rest.length > 1 ? summaryIfFits(rest) : null;
    let take = content ? rest.length : 1; // at least one per message, even one too large (fitted when sent)
    if (!content && rest.length > 2) {
      // Longest prefix in [2, rest.length - 1] whose summary fits, if any.
      let lo = 2;
      let hi = rest.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const c = summaryIfFits(rest.slice(0, mid));
        if (c) {
          content = c;
          take = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
    }
    const chunk = rest.slice(0, take);
    const only = chunk[0];
    if (content) out.push({ content, notifications: chunk });
    else if (only) out.push({ content: compose.one(only), notifications: [only] });
    start += take;
  }
  return out;
}
