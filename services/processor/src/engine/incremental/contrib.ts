import { SHANGHAI_OFFSET_MS } from "@sg/events";
import { durationMs, type DefOf, type MetricDef, type RulePack } from "@sg/rules";
import { addBusinessTime, businessTime, DAY, dailyHours, inHours } from "../calendar.js";
import { sessions, waits } from "../chat.js";
import type { ShopCalendar } from "../calendar-entries.js";
import { calendarName, deadlineMs, excludingEntry } from "../calendar-items.js";
import { firstWaitEnd } from "../kinds/aftersale-awaiting-hours.js";
import { inStock } from "../kinds/order-kinds.js";
import {
  aftersaleClockItem,
  buyerRounds,
  escalationItem,
  imputedRounds,
  inTransitRefundItem,
  orderClockItem,
  promiseItem,
  returnRefundItem,
  reviewScoreItem,
  type MeanItem,
  type RateItem,
} from "../kinds/items-2026.js";
import { isScoreKey, scoreContribution, type ScoreRec } from "./score-records.js";
import {
  aftersaleFacts,
  consumerFacts,
  orderFacts,
  ratingFacts,
  type AftersaleRec,
  type AftersaleSummary,
  type ConsumerRec,
  type EntityRec,
  type OrderRec,
} from "./records.js";
import { hasSessionExclusion, withExclusions, type SessionParts } from "./exclusions.js";

/**
 * An entity's contribution to the shop's aggregates at a moment (architecture.md "Bounded state, bounded
 * work"). The shop's aggregates are always the sum of its entities' contributions, each computed from the
 * entity's stored record at the time it was last computed; a change of record (an event, a deadline that
 * passes, a compaction, an expiry) applies the difference of the two contributions.
 *
 * Keys:
 * - `agg`: `<day>|<metric>|<field>` → amount, where day is the Asia/Shanghai day number (dayNumber) and
 *   metric the metric's position in its rule pack. Fields: `n` numerator (a count, or a sum in ms), `d`
 *   denominator, `b` bad items, `v` a count's value, `o`/`s` the number and summed start times of waits
 *   still open (their time grows with the clock: numerator + o × asOf − s).
 * - `cur`: `<metric>|<field>` → amount, for `now` windows (stalled shipments).
 * - `pend`: `<metric>|<day or ->|<extra>|<entity key>` → deadline of a pending item.
 * - `next`: the first moment after `asOf` at which this contribution changes without an event.
 */
export interface Contribution {
  agg: Map<string, number>;
  cur: Map<string, number>;
  pend: Map<string, number>;
  next: number | undefined;
}

export function dayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY);
}

/** The pack's metrics with their positions, computed once per pack. */
const indexed = new WeakMap<RulePack, [number, MetricDef][]>();
export function packMetrics(pack: RulePack): [number, MetricDef][] {
  let m = indexed.get(pack);
  if (!m) indexed.set(pack, (m = Object.values(pack.metrics).map((d, i) => [i, d])));
  return m;
}

/** The names calendars give the pack's metrics, by position (calendar-items.ts `calendarName`). */
const named = new WeakMap<RulePack, string[]>();
function metricName(pack: RulePack, i: number): string {
  let m = named.get(pack);
  if (!m) named.set(pack, (m = Object.keys(pack.metrics).map(calendarName)));
  return m[i]!;
}

class Builder {
  readonly c: Contribution = { agg: new Map(), cur: new Map(), pend: new Map(), next: undefined };
  /** Each session-like item's own amounts and pending items, by the moment it opened (kept only when asked: exclusions.ts). */
  readonly parts: SessionParts | undefined;
  /** The session-like item being added, if any. */
  private session: number | undefined;
  constructor(
    private readonly asOf: number,
    sessions = false,
  ) {
    this.parts = sessions ? new Map() : undefined;
  }
  /** Adds what `f` adds as the session-like item opened at `open` (its amounts also kept apart in `parts`). */
  item(open: number, f: () => void): void {
    this.session = open;
    try {
      f();
    } finally {
      this.session = undefined;
    }
  }
  private part(): { agg: Map<string, number>; pend: Set<string> } | undefined {
    if (this.parts === undefined || this.session === undefined) return undefined;
    let p = this.parts.get(this.session);
    if (!p) this.parts.set(this.session, (p = { agg: new Map(), pend: new Set() }));
    return p;
  }
  add(at: number, metric: number, field: string, amount = 1): void {
    if (amount === 0) return;
    const k = `${dayNumber(at)}|${metric}|${field}`;
    this.c.agg.set(k, (this.c.agg.get(k) ?? 0) + amount);
    const p = this.part();
    if (p) p.agg.set(k, (p.agg.get(k) ?? 0) + amount);
  }
  cur(metric: number, field: string, amount = 1): void {
    const k = `${metric}|${field}`;
    this.c.cur.set(k, (this.c.cur.get(k) ?? 0) + amount);
  }
  /** A pending item; `dayOf` is the moment whose day filters it (day windows), or undefined. */
  pending(metric: number, dayOf: number | undefined, extra: string | number, key: string, deadline: number): void {
    const k = `${metric}|${dayOf === undefined ? "-" : dayNumber(dayOf)}|${extra}|${key}`;
    this.c.pend.set(k, deadline);
    this.part()?.pend.add(k);
    this.wake(deadline);
  }
  wake(t: number): void {
    if (t > this.asOf && (this.c.next === undefined || t < this.c.next)) this.c.next = t;
  }
  /** A mean's item: its value to the numerator, one to the denominator, on its day. */
  mean(metric: number, it: MeanItem | undefined): void {
    if (!it) return;
    this.add(it.at, metric, "n", it.value);
    this.add(it.at, metric, "d");
  }
  /** A rate's item: one to the denominator, and to the numerator when it hits, on its day. */
  rate(metric: number, it: RateItem | undefined): void {
    if (!it) return;
    this.add(it.at, metric, "d");
    if (it.hit) this.add(it.at, metric, "n");
  }
}

/** Summaries in the order the reference model sees them: by (request time, request event id). */
function sortedSummaries(o: OrderRec): AftersaleSummary[] {
  return Object.values(o.aftersales ?? {}).sort(
    (x, y) => x.requestedAt - y.requestedAt || (x.requestId < y.requestId ? -1 : x.requestId > y.requestId ? 1 : 0),
  );
}

function orderContribution(key: string, rec: OrderRec, pack: RulePack, asOf: number, cal: ShopCalendar | undefined): Contribution {
  const b = new Builder(asOf);
  const o = orderFacts(key.slice(2), rec);
  const summaries = sortedSummaries(rec);
  // An indexed loop: no iterator result per metric (this runs per entity of every fold and timer pass).
  const metrics = packMetrics(pack);
  for (let x = 0; x < metrics.length; x++) {
    const [i, def] = metrics[x]!;
    switch (def.kind) {
      case "first_review_rate":
        if (o.signedAt !== undefined) b.add(o.signedAt, i, "d");
        if (o.firstReview && o.firstReview.rating === def.params.rating) b.add(o.firstReview.at, i, "n");
        break;
      case "quality_return_rate": {
        if (o.signedAt === undefined) break;
        b.add(o.signedAt, i, "d");
        const first = summaries[0];
        if (!first) break;
        const kindOk =
          def.params.kinds.includes(first.kind as never) &&
          (first.kind !== "refund_only" || !def.params.refundOnlyAfterShipmentOnly || first.afterShipment);
        if (kindOk && def.params.reasons.includes(first.reason)) b.add(o.signedAt, i, "n");
        break;
      }
      case "pickup_rate": {
        if (o.paidAt === undefined || !inStock(o)) break;
        // The calendar's extended deadline for a wait opening (paid) on a covered day (docs/calendars.md item 4).
        const deadline = o.paidAt + deadlineMs(cal, metricName(pack, i), dayNumber(o.paidAt), durationMs(def.params.deadline));
        const pickup = o.pickedUpAt;
        const c = o.cancelledAt;
        if (c !== undefined && (pickup === undefined || c < pickup) && c < deadline) break;
        // An order from or to an excluded region, on the day it counts (its pickup, else its deadline), is left out (item 5).
        const counts = pickup !== undefined && pickup <= deadline ? pickup : deadline;
        if (excludingEntry(cal, metricName(pack, i), dayNumber(counts), o.shipFrom, o.shipTo)) break;
        if (pickup !== undefined && pickup <= deadline) {
          b.add(pickup, i, "n");
          b.add(pickup, i, "d");
        } else if (deadline <= asOf) b.add(deadline, i, "d");
        else b.pending(i, undefined, "", key, deadline);
        break;
      }
      case "delivery_hours":
        if (o.signedAt !== undefined && o.pickedUpAt !== undefined) {
          if (excludingEntry(cal, metricName(pack, i), dayNumber(o.signedAt), o.shipFrom, o.shipTo)) break;
          b.add(o.signedAt, i, "n", o.signedAt - o.pickedUpAt);
          b.add(o.signedAt, i, "d");
        }
        break;
      case "shipping_feedback_rate": {
        if (o.paidAt === undefined) break;
        b.add(o.paidAt, i, "d");
        const grace = durationMs(def.params.presaleGrace);
        const paidAt = o.paidAt;
        const counted = o.feedback.some((f) => {
          if (f.reason !== "slow_shipping") return true;
          if (inStock(o) && o.promisedShipBy !== undefined && f.at <= o.promisedShipBy) return false;
          if (o.presale && f.at <= paidAt + grace) return false;
          return true;
        });
        if (counted) b.add(paidAt, i, "n");
        break;
      }
      case "aftersale_rejection_rate": {
        let deciding: AftersaleSummary | undefined;
        for (const s of summaries) {
          if (!s.afterShipment || s.cancelledFirst) continue;
          const liable = s.lastLiability !== undefined && def.params.liable.includes(s.lastLiability as never);
          if (s.overdueEntry && s.lastDecision === "refuse" && !liable) continue;
          deciding = s;
        }
        if (deciding?.completedAt === undefined) break;
        b.add(deciding.completedAt, i, "d");
        if (deciding.lastDecision === "refuse") b.add(deciding.completedAt, i, "n");
        break;
      }
      case "platform_help_rate":
        if (o.paidAt === undefined) break;
        b.add(o.paidAt, i, "d");
        if (
          o.complaints.length > 0 ||
          summaries.some((s) => s.lastLiability !== undefined && def.params.liable.includes(s.lastLiability as never))
        )
          b.add(o.paidAt, i, "n");
        break;
      case "intervention_rate":
        if (o.paidAt === undefined) break;
        b.add(o.paidAt, i, "d");
        if (summaries.some((s) => s.intervened)) b.add(o.paidAt, i, "n");
        break;
      case "review_score_mean":
        b.mean(i, reviewScoreItem(o));
        break;
      case "late_clock_mean":
        b.mean(i, orderClockItem(o, def));
        break;
      case "promise_kept_rate":
        b.rate(i, promiseItem(o));
        break;
      case "escalation_rate":
        b.rate(
          i,
          escalationItem(
            summaries[0]?.requestedAt,
            summaries.some((x) => x.intervened),
            o.complaints.length > 0,
            def,
          ),
        );
        break;
      case "paid_order_count":
        if (o.paidAt !== undefined) b.add(o.paidAt, i, "v");
        break;
      case "refund_duration_mean":
        for (const it of inTransitRefunds(o.signedAt, summaries, def)) b.mean(i, it);
        break;
      case "stalled_shipments": {
        if (o.pickedUpAt === undefined || o.signedAt !== undefined || o.lastTrackAt === undefined) break;
        const stallAt = o.lastTrackAt + durationMs(def.params.stallAfter);
        if (asOf >= stallAt) b.cur(i, "v");
        else b.wake(stallAt);
        break;
      }
      default:
        break;
    }
  }
  return b.c;
}

function aftersaleContribution(key: string, rec: AftersaleRec, pack: RulePack, asOf: number, cal: ShopCalendar | undefined): Contribution {
  const b = new Builder(asOf);
  const a = aftersaleFacts(key.slice(2), rec);
  const liabilityOf = () => a.arbitrated[a.arbitrated.length - 1]?.liability;
  // An indexed loop: no iterator result per metric (this runs per entity of every fold and timer pass).
  const metrics = packMetrics(pack);
  for (let x = 0; x < metrics.length; x++) {
    const [i, def] = metrics[x]!;
    switch (def.kind) {
      case "aftersale_awaiting_hours": {
        if (!a.requested || !def.params.kinds.includes(a.requested.kind as never)) break;
        const completed = a.completed[0];
        if (!completed) break;
        if (!def.params.includeIntervened && a.intervened.length > 0) break;
        b.add(completed.at, i, "d");
        // Awaiting-merchant time (metrics.md "Shared definitions"); a wait with no end grows with the clock.
        const ends = [...a.acted.map((x) => x.at), ...a.completed.map((x) => x.at), ...a.cancelled].sort((x, y) => x - y);
        for (const open of [a.requested.at, ...a.returnSigned]) {
          const end = ends.find((t) => t >= open);
          if (end !== undefined) b.add(completed.at, i, "n", end - open);
          else {
            b.add(completed.at, i, "o");
            b.add(completed.at, i, "s", open);
          }
        }
        break;
      }
      case "dispute_rate": {
        const completed = a.completed[0];
        if (!completed) break;
        b.add(completed.at, i, "d");
        const l = liabilityOf();
        if (l !== undefined && def.params.liable.includes(l as never)) b.add(completed.at, i, "n");
        break;
      }
      case "business_time_rate": {
        const start = def.params.from === "requested" ? a.requested?.at : a.ready[0];
        if (start === undefined) break;
        const end = def.params.to === "first_merchant_acted" ? a.acted[0]?.at : a.processed[0];
        const hours = dailyHours(def.params.businessHours);
        const limit = deadlineMs(cal, metricName(pack, i), dayNumber(start), durationMs(def.params.limit), a.requested?.kind);
        if (end === undefined) {
          const deadline = addBusinessTime(start, limit, hours);
          if (deadline > asOf) b.pending(i, undefined, "", key, deadline);
          break;
        }
        b.add(end, i, "d");
        if (businessTime(start, end, hours) <= limit) b.add(end, i, "n");
        break;
      }
      case "ever_state_rate": {
        const reviewed = a.acted[0]?.at;
        if (reviewed === undefined) break;
        b.add(reviewed, i, "d");
        if (a.awaitingCustomer.length > 0) b.add(reviewed, i, "n");
        break;
      }
      case "late_clock_mean":
        b.mean(i, aftersaleClockItem(a, def));
        break;
      case "refund_duration_mean":
        b.mean(i, returnRefundItem(a.requested?.kind, a.returnSigned[0], a.completed[0], def));
        break;
      case "overdue_refund_count": {
        if (!a.requested) break;
        const deadline =
          a.requested.at +
          deadlineMs(cal, metricName(pack, i), dayNumber(a.requested.at), durationMs(def.params.deadline), a.requested.kind);
        const end = firstWaitEnd(a);
        const overdue = end !== undefined ? end > deadline : deadline <= asOf;
        if (overdue) b.add(deadline, i, "v");
        else if (end === undefined) b.pending(i, undefined, "", key, deadline);
        break;
      }
      default:
        break;
    }
  }
  return b.c;
}

/**
 * A consumer's contribution; with `parts` each session-like item (a wait, a JD session, a rating card: exclusions.ts
 * sessionKind) also keeps its own amounts, by the moment it opened, for the consumer's session exclusions.
 */
function consumerContribution(
  key: string,
  rec: ConsumerRec,
  pack: RulePack,
  asOf: number,
  cal: ShopCalendar | undefined,
  parts = false,
): { c: Contribution; parts: SessionParts | undefined } {
  const b = new Builder(asOf, parts);
  // An exclusion removes every chat and rating contribution of the consumer (metrics.md "Excluded consumer").
  if (rec.excludedAt !== undefined) return { c: b.c, parts: b.parts };
  const id = key.slice(2);
  const c = consumerFacts(id, rec);
  let ws: ReturnType<typeof waits> | undefined;
  const allWaits = () => (ws ??= waits(c));
  // An indexed loop: no iterator result per metric (this runs per entity of every fold and timer pass).
  const metrics = packMetrics(pack);
  for (let x = 0; x < metrics.length; x++) {
    const [i, def] = metrics[x]!;
    switch (def.kind) {
      case "reply_consumer_day": {
        const base = durationMs(def.params.deadline);
        const hours = dailyHours(def.params.serviceHours);
        // Per consumer-day: counted, missed, and the first pending deadline.
        const days = new Map<number, { open: number; missed: boolean; pending?: number }>();
        for (const w of allWaits()) {
          if (!inHours(w.open, hours)) continue;
          const d = dayNumber(w.open);
          let s = days.get(d);
          if (!s) days.set(d, (s = { open: w.open, missed: false }));
          const deadline = w.open + deadlineMs(cal, metricName(pack, i), d, base);
          if (w.end !== undefined ? w.end > deadline : deadline <= asOf) s.missed = true;
          else if (w.end === undefined) s.pending = Math.min(s.pending ?? deadline, deadline);
        }
        for (const s of days.values()) {
          b.add(s.open, i, "d");
          if (s.missed) b.add(s.open, i, "b");
          if (s.pending !== undefined) {
            // A consumer with a missed wait is bad already; their open wait is not pending any more (reference).
            if (!s.missed) b.pending(i, s.open, "", key, s.pending);
            else b.wake(s.pending);
          }
        }
        break;
      }
      case "avg_response_seconds": {
        const cap = durationMs(def.params.cap);
        const hours = dailyHours(def.params.serviceHours);
        for (const w of allWaits()) {
          if (!inHours(w.open, hours)) continue;
          b.item(w.open, () => {
            if (w.end !== undefined) {
              b.add(w.open, i, "n", Math.min(w.end - w.open, cap));
              b.add(w.open, i, "d");
            } else if (w.open + cap <= asOf) {
              b.add(w.open, i, "n", cap);
              b.add(w.open, i, "d");
            } else b.pending(i, w.open, w.open, key, w.open + cap);
          });
        }
        break;
      }
      case "first_response_sessions": {
        const within = durationMs(def.params.responseWithin);
        const hours = dailyHours(def.params.serviceHours);
        for (const s of sessions(c, durationMs(def.params.sessionGap))) {
          if (!inHours(s.open, hours)) continue;
          const deadline = s.open + deadlineMs(cal, metricName(pack, i), dayNumber(s.open), within);
          b.item(s.open, () => {
            if (s.firstReply !== undefined && s.firstReply <= deadline) {
              b.add(s.open, i, "n");
              b.add(s.open, i, "d");
            } else if (s.firstReply !== undefined || deadline <= asOf) b.add(s.open, i, "d");
            else b.pending(i, s.open, s.open, key, deadline);
          });
        }
        break;
      }
      case "rating_share": {
        const hours = def.params.serviceHours ? dailyHours(def.params.serviceHours) : undefined;
        for (const r of ratingFacts(id, rec)) {
          if (r.robot || (hours && !inHours(r.cardSentAt, hours)) || !def.params.ratings.includes(r.rating)) continue;
          b.item(r.cardSentAt, () => {
            b.add(r.cardSentAt, i, "d");
            if (def.params.good.includes(r.rating)) b.add(r.cardSentAt, i, "n");
          });
        }
        break;
      }
      case "rating_score_mean":
        for (const r of ratingFacts(id, rec)) {
          const points = def.params.scores[r.rating];
          if (!r.robot && points !== undefined) b.item(r.cardSentAt, () => b.mean(i, { at: r.cardSentAt, value: points }));
        }
        break;
      case "imputed_response_mean":
        for (const r of imputedRounds(c, def, asOf)) {
          if (r.value === undefined) b.pending(i, r.open, r.open, key, r.deadline);
          else b.mean(i, { at: r.open, value: r.value });
        }
        break;
      case "buyer_reply_rate": {
        // Per buyer over a window that always ends today: the buyer counts on the day of their last round,
        // and is bad on the day of their last missed round, so the window's sum counts each buyer once.
        const rounds = buyerRounds(c, def, asOf);
        const last = rounds.at(-1);
        if (!last) break;
        b.add(last.open, i, "d");
        let lastMissed: number | undefined;
        for (const r of rounds) if (r.missed) lastMissed = r.open;
        if (lastMissed !== undefined) b.add(lastMissed, i, "b");
        const open = rounds.filter((r) => r.deadline !== undefined);
        if (open.length > 0) {
          // Pending unless missed within the window (the last missed day, in the pending item's `extra`).
          const deadline = Math.min(...open.map((r) => r.deadline!));
          b.pending(i, undefined, lastMissed === undefined ? -1 : dayNumber(lastMissed), key, deadline);
        }
        break;
      }
      case "jd_service_score":
        // The satisfaction component counts bad ratings when there are few (metrics.md jd@2023-01).
        for (const r of ratingFacts(id, rec)) {
          if (!r.robot && def.params.satisfaction.badRatings.includes(r.rating)) b.add(r.cardSentAt, i, "b");
        }
        break;
      default:
        break;
    }
  }
  return { c: b.c, parts: b.parts };
}

/**
 * The contribution of one entity record at `asOf` (an absent record contributes nothing), under the shop's
 * calendar (its `extend_deadline` and `exclude_regions` entries, calendar-items.ts; absent: none).
 */
export function contribution(key: string, rec: EntityRec | undefined, pack: RulePack, asOf: number, cal?: ShopCalendar): Contribution {
  if (rec === undefined) return { agg: new Map(), cur: new Map(), pend: new Map(), next: undefined };
  // Appeals and exemptions rewrite the entity's own contribution (exclusions.ts).
  if (key.startsWith("o:")) {
    const o = rec as OrderRec;
    return withExclusions(key, pack, o.excl, orderContribution(key, o, pack, asOf, cal));
  }
  if (key.startsWith("a:")) {
    const a = rec as AftersaleRec;
    return withExclusions(key, pack, a.excl, aftersaleContribution(key, a, pack, asOf, cal));
  }
  if (isScoreKey(key)) return { ...scoreContribution(key, rec as ScoreRec), pend: new Map(), next: undefined };
  const c = rec as ConsumerRec;
  const made = consumerContribution(key, c, pack, asOf, cal, hasSessionExclusion(c.excl));
  return withExclusions(key, pack, c.excl, made.c, made.parts);
}

/** `refund_duration_mean` from an order's summaries of its after-sales (in transit: the order's signing decides). */
function inTransitRefunds(signedAt: number | undefined, summaries: AftersaleSummary[], def: DefOf<"refund_duration_mean">): MeanItem[] {
  const out: MeanItem[] = [];
  for (const s of summaries) {
    const first = s.completedAt === undefined ? undefined : { at: s.completedAt, outcome: s.refundedFirst ? "refunded" : "closed" };
    const it = inTransitRefundItem({ at: s.requestedAt, kind: s.kind, afterShipment: s.afterShipment }, first, signedAt, def);
    if (it) out.push(it);
  }
  return out;
}
