import { toShanghaiIso, type Platform } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { mulberry32 } from "./random-events.js";

/**
 * Appeals and exemptions for the model streams (docs/exclusions.md): for a share of the stream's orders,
 * after-sales, consumers and items that never arrive, an `exclusion.requested` and zero to three
 * `exclusion.decided` (approved or rejected, some at one instant, some without a request, a rival request
 * earlier than the first, arriving after it), naming every metric or one or two of the platform's packs'
 * metric names. Drawn from a stream of its own, so the other facts of the same seeds stay the same.
 *
 * Session exclusions (docs/exclusions.md "Sessions") name a moment a consumer's session-like item may have
 * opened (`sessions`: a consumer message or a rating card), mostly written as the evidence API's id, some in
 * UTC (the same instant), some a second off or not an instant at all (naming nothing); requested before
 * the item (arriving before it) or after it; pending, approved or rejected. Drawn from a third stream.
 * Not used by production code.
 */

const MIN = 60_000;
const DAY = 86_400_000;

type Push = (at: number, body: Record<string, unknown>, arrivesAfter?: number) => boolean;

export interface ExclusionTargets {
  platform: Platform;
  seed: number;
  /** Share of entities that get an exclusion (0: none). */
  share: number;
  asOf: number;
  orders: number;
  consumers: number;
  /** The moments a consumer's session-like items may open at (its messages, its rating cards), by consumer index. */
  sessions?: (consumer: number) => readonly number[];
}

const REASONS = ["appeal", "malicious_consumer", "late_shipment_filing", "platform_announcement"] as const;

export function exclusionsOf(t: ExclusionTargets, push: Push): void {
  if (t.share <= 0) return;
  const rnd = mulberry32(t.seed ^ 0x3c6ef372);
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names = [...new Set(selectablePacks(t.platform).flatMap((p) => Object.keys(p.metrics)))].sort();
  const items: { scope: string; itemId: string; consumerId?: string }[] = [];
  for (let i = 0; i < t.orders; i++) {
    if (rnd() < t.share) items.push({ scope: "order", itemId: `o${i}` });
    if (rnd() < t.share) items.push({ scope: "aftersale", itemId: rnd() < 0.7 ? `as${i}` : `as${i}_1` });
  }
  const sr = mulberry32(t.seed ^ 0x510e527f);
  /** A session's id: the evidence API's for one of the consumer's moments (or the same instant in UTC), or one naming nothing. */
  const sessionId = (c: number): { itemId: string; at?: number } => {
    const moments = t.sessions?.(c) ?? [];
    const r = sr();
    if (moments.length === 0 || r < 0.08) return { itemId: r < 0.04 ? `s${c}` : toShanghaiIso(t.asOf - DAY) };
    const at = moments[Math.floor(sr() * moments.length)]!;
    if (r < 0.15) return { itemId: toShanghaiIso(at + 1_000), at };
    return { itemId: r < 0.3 ? new Date(at).toISOString() : toShanghaiIso(at), at };
  };
  const sessionAt = new Map<number, number>();
  for (let c = 0; c < t.consumers; c++) {
    if (rnd() < t.share) items.push({ scope: "consumer", itemId: `u${c}` });
    const count = (rnd() < t.share * 0.2 ? 1 : 0) + (sr() < t.share * 2 ? 1 + Math.floor(sr() * 2) : 0);
    for (let k = 0; k < count; k++) {
      const { itemId, at } = sessionId(c);
      if (at !== undefined) sessionAt.set(items.length, at);
      items.push({ scope: "session", itemId, consumerId: `u${c}` });
    }
  }
  // Items that never arrive (kept, changing nothing).
  if (rnd() < 0.3) items.push({ scope: "order", itemId: "o-never" });
  for (const [index, item] of items.entries()) {
    const body = {
      ...item,
      reason: pick(REASONS),
      ...(rnd() < 0.5 ? { exclusionId: `x-${item.itemId}` } : {}),
      ...(rnd() < 0.5 ? {} : { metrics: rnd() < 0.6 ? [pick(names)] : [pick(names), pick(names)] }),
    };
    const opened = sessionAt.get(index);
    // A session's request: before the item (it arrives first) or after it, within days.
    const requested =
      opened === undefined
        ? t.asOf - between(10 * MIN, 30 * DAY)
        : Math.min(t.asOf - MIN, opened + (sr() < 0.3 ? -1 : 1) * (MIN + Math.floor(sr() * 2 * DAY)));
    if (rnd() < 0.85) {
      push(requested, { type: "exclusion.requested", ...body });
      // A rival request before it, arriving after it: the first by time stands.
      if (rnd() < 0.15)
        push(requested - between(MIN, DAY), { type: "exclusion.requested", ...body, reason: pick(REASONS) }, requested + between(MIN, DAY));
    }
    const decisions = Math.floor(rnd() * 4);
    let at = requested;
    for (let k = 0; k < decisions; k++) {
      // Sometimes two decisions at one instant (the later id stands), sometimes the metrics change with the decision.
      if (k === 0 || rnd() < 0.7) at += between(MIN, 5 * DAY);
      const decided = { ...body, ...(rnd() < 0.2 ? { metrics: [pick(names)] } : {}) };
      push(Math.min(at, t.asOf), { type: "exclusion.decided", ...decided, decision: rnd() < 0.6 ? "approved" : "rejected" });
    }
  }
}
