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

  const out: PlannedMessage[] = [];
  let current: Notification[] = [];
  const close = () => {
    const only = current[0];
    if (current.length === 1 && only) out.push({ content: compose.one(only), notifications: current });
    else if (current.length > 1) out.push({ content: compose.many(current), notifications: current });
  };
  for (const n of queued) {
    const candidate = [...current, n];
    const c = compose.many(candidate);
    if (current.length === 0 || channel.render(c, c.items.length).size <= channel.maxBytes) {
      current = candidate;
    } else {
      close();
      current = [n];
    }
  }
  close();
  return out;
}
