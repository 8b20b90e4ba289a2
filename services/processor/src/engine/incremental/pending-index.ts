import { deadlineWakeups } from "../kinds/ratio.js";
import type { PendingItem } from "../types.js";
import { dayNumber } from "./contrib.js";
import type { ShopAggregates } from "./measure.js";

type Pending = ShopAggregates["pending"][number];

/**
 * A metric's pending items as a measurement reads them (measure.ts pendingOf): the items, their deadlines, and
 * the wakeups those imply for one lead time. The forecast's points share them: they are never changed.
 */
export interface PendingSet {
  items: PendingItem[];
  deadlines: number[];
  wakeups(leadMs: number): number[];
}

/** One metric's pending items, in the order of the pending array, each as the PendingItem it measures as. */
class MetricPending {
  readonly raw: Pending[] = [];
  readonly items: PendingItem[] = [];
  private whole: PendingSet | undefined;
  /** The sets by window days (from → to → set), without a skip. */
  private readonly sets = new Map<number, Map<number, PendingSet>>();

  add(p: Pending): void {
    this.raw.push(p);
    this.items.push({ id: p.key.slice(2), deadline: p.deadline });
  }

  /** The items on a day of [from, to] (an undated one always), not on a day `skip` leaves out. */
  of(from: number, to: number, skip: ((day: number) => boolean) | undefined): PendingSet {
    const byTo = skip ? undefined : this.sets.get(from);
    const known = byTo?.get(to);
    if (known) return known;
    let kept: PendingItem[] | undefined;
    for (let i = 0; i < this.raw.length; i++) {
      const p = this.raw[i]!;
      const ok = (p.day === undefined || (p.day >= from && p.day <= to)) && !skip?.(p.day ?? dayNumber(p.deadline));
      if (ok) kept?.push(this.items[i]!);
      else kept ??= this.items.slice(0, i);
    }
    const set = kept ? pendingSetOf(kept) : (this.whole ??= pendingSetOf(this.items));
    if (!skip) {
      if (byTo) byTo.set(to, set);
      else this.sets.set(from, new Map([[to, set]]));
    }
    return set;
  }
}

/** A set of fresh items: their deadlines now, their wakeups on the first read. */
export function pendingSetOf(items: PendingItem[]): PendingSet {
  const deadlines = items.map((p) => p.deadline);
  const wakeups = new Map<number, number[]>();
  return {
    items,
    deadlines,
    wakeups(leadMs) {
      let w = wakeups.get(leadMs);
      if (!w) wakeups.set(leadMs, (w = deadlineWakeups(deadlines, leadMs)));
      return w;
    },
  };
}

/** The pending items of one pending array by metric slot (the forecast's points share most pending arrays). */
const indexes = new WeakMap<ShopAggregates["pending"], Map<number, MetricPending>>();

/**
 * The pending items of the metric at `slot` on a day of [from, to] (dayless ones always), not on a day `skip`
 * leaves out: pendingOf's items in pendingOf's order, the array grouped by metric once and each set kept for
 * the next evaluation of the same array and days (the forecast's 14 points read the same arrays, docs/forecast.md "Cost").
 */
export function sharedPendingOf(
  pending: ShopAggregates["pending"],
  slot: number,
  from: number,
  to: number,
  skip: ((day: number) => boolean) | undefined,
): PendingSet {
  let bySlot = indexes.get(pending);
  if (!bySlot) {
    bySlot = new Map();
    for (const p of pending) {
      let m = bySlot.get(p.metric);
      if (!m) bySlot.set(p.metric, (m = new MetricPending()));
      m.add(p);
    }
    indexes.set(pending, bySlot);
  }
  return bySlot.get(slot)?.of(from, to, skip) ?? EMPTY;
}

const EMPTY: PendingSet = { items: [], deadlines: [], wakeups: () => [] };
