import { toMillis, type CanonicalEvent } from "@sg/events";
import { foldScore, isScoreKey, scoreEntityOf, type ScoreRec } from "./score-records.js";
import type { AftersaleFacts, ChatMessageFact, ConsumerFacts, OrderFacts, RatingFact } from "../model.js";
import { foldExclusion, type ExclusionRec } from "./exclusions.js";

/**
 * Entity records (architecture.md "Bounded state, bounded work"): each holds only the facts its metrics
 * read, folded so that any arrival order and any duplicate give the same record. Every fold below is a
 * first-by-(time, id), a min, a max, or a set, so applying an event twice, or in any order, is the same.
 *
 * Keys inside a shop: `o:<orderId>`, `a:<afterSaleId>`, `c:<consumerId>`.
 */

/** An order, with a summary of each of its after-sales (those whose request names it). */
export interface OrderRec {
  /** First `order.paid` by (time, id); flags: 1 presale, 2 custom, 4 noShipment. */
  paid?: { at: number; id: string; flags: number; promisedShipBy?: number; shipFrom?: string; shipTo?: string };
  /** Earliest cancel, ship, pickup, sign; latest pickup or tracking update. */
  cancelledAt?: number;
  shippedAt?: number;
  pickedUpAt?: number;
  lastTrackAt?: number;
  signedAt?: number;
  /** First review by (time, id); score 1–5 when the review has one. */
  review?: { at: number; id: string; rating: string; score?: number };
  /** The earliest pickup by (time, id) that carries the carrier's promise. */
  signPromise?: { at: number; id: string; promisedSignBy: number };
  /** Shipping feedback: latest `slow_shipping` time, earliest of any other reason (metrics.md: counting is monotone in time). */
  slowShippingFeedbackAt?: number;
  otherShippingFeedbackAt?: number;
  /** Earliest complaint. */
  complaintAt?: number;
  /** afterSaleId → summary (aftersaleSummary). */
  aftersales?: Record<string, AftersaleSummary>;
  /** Exclusions naming the order (exclusions.ts). */
  excl?: ExclusionRec[];
}

/** What an order's metrics read of one after-sale. */
export interface AftersaleSummary {
  requestedAt: number;
  /** The id of the request event (ties on requestedAt are ordered by it). */
  requestId: string;
  kind: string;
  reason: string;
  afterShipment: boolean;
  overdueEntry: boolean;
  /** Cancelled before any merchant action. */
  cancelledFirst: boolean;
  lastDecision?: string;
  lastLiability?: string;
  /** Earliest completion. */
  completedAt?: number;
  intervened: boolean;
  /** The earliest completion is a refund (refund_duration_mean); absent when not. */
  refundedFirst?: true;
}

/** A fact known by its time and the id of its event. */
export interface Stamped {
  at: number;
  id: string;
}

export interface AftersaleRec {
  /** First `aftersale.requested` by (time, id). */
  request?: { at: number; id: string; orderId: string; kind: string; reason: string; afterShipment: boolean; overdueEntry: boolean };
  /** Merchant actions, sorted by (at, id). */
  acts?: (Stamped & { decision: string })[];
  /**
   * Returned goods signed for, sorted by (at, id), once per id. Each opens a merchant wait
   * (metrics.md "Awaiting-merchant time"), so two at one instant are two waits; an id tells them from a
   * duplicate.
   */
  returnsSigned?: Stamped[];
  /** Sets of times. */
  ready?: number[];
  processed?: number[];
  awaitingCustomer?: number[];
  intervened?: number[];
  cancelled?: number[];
  /** Arbitrations and completions, sorted by (at, id). */
  arbitrations?: (Stamped & { liability: string })[];
  completions?: (Stamped & { outcome: string })[];
  /** Exclusions naming the after-sale (exclusions.ts). */
  excl?: ExclusionRec[];
}

/**
 * Message kinds: a consumer's message, a reply (agent or assist robot), another robot's message. Their
 * alphabetical order is the order of messages at one instant in a record.
 */
export type MessageKind = "consumer" | "other" | "reply";

export interface ConsumerRec {
  /** Transfers and closes (sets of times). */
  transfers?: number[];
  closes?: number[];
  /** Messages, a set sorted by (at, kind). */
  messages?: { at: number; kind: MessageKind }[];
  /** Ratings, sorted by (at, id). */
  ratings?: (Stamped & { cardSentAt: number; rating: string; robot: boolean })[];
  /** Excluded (metrics.md "Excluded consumer"): earliest exclusion time. */
  excludedAt?: number;
  /** Exclusions naming the consumer or one of their sessions (exclusions.ts). */
  excl?: ExclusionRec[];
}

/** The records of the items metrics count (orders, after-sales, consumers), which exclusions can name. */
export type ItemRec = OrderRec | AftersaleRec | ConsumerRec;
export type EntityRec = ItemRec | ScoreRec;

/** The entity an event belongs to. */
export function entityOf(e: CanonicalEvent): string {
  switch (e.type) {
    case "order.paid":
    case "order.cancelled":
    case "order.shipped":
    case "logistics.picked_up":
    case "logistics.updated":
    case "logistics.signed":
    case "review.posted":
    case "feedback.posted":
    case "complaint.filed":
      return `o:${e.orderId}`;
    case "chat.transferred":
    case "chat.message":
    case "chat.closed":
    case "chat.rated":
    case "consumer.excluded":
      return `c:${e.consumerId}`;
    case "exclusion.requested":
    case "exclusion.decided":
      return exclusionEntity(e);
    case "score.bonus_granted":
    case "score.bonus_revoked":
    case "score.deducted":
    case "score.deduction_revoked":
      return scoreEntityOf(e)!;
    default:
      return `a:${e.afterSaleId}`;
  }
}

/**
 * The entity an exclusion names (its item's record, where a later fold can apply it retroactively): an order,
 * an after-sale, or a consumer (for a session, the session's consumer); kept in its `excl` (exclusions.ts).
 */
function exclusionEntity(e: Extract<CanonicalEvent, { type: "exclusion.requested" | "exclusion.decided" }>): string {
  switch (e.scope) {
    case "order":
      return `o:${e.itemId}`;
    case "aftersale":
      return `a:${e.itemId}`;
    case "consumer":
      return `c:${e.itemId}`;
    case "session":
      // The catalog refuses a session exclusion without its consumer.
      return `c:${e.consumerId ?? e.itemId}`;
  }
}

const min = (a: number | undefined, b: number) => (a === undefined || b < a ? b : a);
const max = (a: number | undefined, b: number) => (a === undefined || b > a ? b : a);

/** Inserts into a sorted set of numbers; returns the same array when already present. */
function addTime(xs: number[] | undefined, t: number): number[] {
  const out = xs ? [...xs] : [];
  let i = 0;
  while (i < out.length && out[i]! < t) i++;
  if (out[i] !== t) out.splice(i, 0, t);
  return out;
}

/** Inserts a fact into a list sorted by (at, id), once per id. */
function addById<T extends Stamped>(xs: T[] | undefined, x: T): T[] {
  const out = xs ? [...xs] : [];
  if (out.some((y) => y.id === x.id)) return out;
  let i = 0;
  while (i < out.length && (out[i]!.at < x.at || (out[i]!.at === x.at && out[i]!.id < x.id))) i++;
  out.splice(i, 0, x);
  return out;
}

/** (at, id) is earlier than the record's (at, id). */
function earlier(at: number, id: string, prev: Stamped | undefined): boolean {
  return prev === undefined || at < prev.at || (at === prev.at && id < prev.id);
}

export function foldOrder(rec: OrderRec, e: CanonicalEvent, at: number): OrderRec {
  const o: OrderRec = { ...rec };
  switch (e.type) {
    case "order.paid":
      if (earlier(at, e.id, o.paid)) {
        const flags = (e.presale === true ? 1 : 0) | (e.custom === true ? 2 : 0) | (e.noShipment === true ? 4 : 0);
        o.paid = { at, id: e.id, flags };
        if (e.promisedShipBy !== undefined) o.paid.promisedShipBy = toMillis(e.promisedShipBy);
        // Regions for calendars' exclude_regions (docs/calendars.md): kept only when the event gives them.
        if (e.shipFromRegion !== undefined) o.paid.shipFrom = e.shipFromRegion;
        if (e.shipToRegion !== undefined) o.paid.shipTo = e.shipToRegion;
      }
      break;
    case "order.cancelled":
      o.cancelledAt = min(o.cancelledAt, at);
      break;
    case "order.shipped":
      o.shippedAt = min(o.shippedAt, at);
      break;
    case "logistics.picked_up":
      o.pickedUpAt = min(o.pickedUpAt, at);
      o.lastTrackAt = max(o.lastTrackAt, at);
      if (e.promisedSignBy !== undefined && earlier(at, e.id, o.signPromise))
        o.signPromise = { at, id: e.id, promisedSignBy: toMillis(e.promisedSignBy) };
      break;
    case "logistics.updated":
      o.lastTrackAt = max(o.lastTrackAt, at);
      break;
    case "logistics.signed":
      o.signedAt = min(o.signedAt, at);
      break;
    case "review.posted":
      if (earlier(at, e.id, o.review)) {
        o.review = { at, id: e.id, rating: e.rating };
        if (e.score !== undefined && e.score > 0) o.review.score = e.score;
      }
      break;
    case "feedback.posted":
      if (e.issue === "shipping") {
        if (e.reason === "slow_shipping") o.slowShippingFeedbackAt = max(o.slowShippingFeedbackAt, at);
        else o.otherShippingFeedbackAt = min(o.otherShippingFeedbackAt, at);
      }
      break;
    case "complaint.filed":
      o.complaintAt = min(o.complaintAt, at);
      break;
    default:
      break;
  }
  return o;
}

export function foldAftersale(rec: AftersaleRec, e: CanonicalEvent, at: number): AftersaleRec {
  const a: AftersaleRec = { ...rec };
  switch (e.type) {
    case "aftersale.requested":
      if (earlier(at, e.id, a.request))
        a.request = {
          at,
          id: e.id,
          orderId: e.orderId,
          kind: e.kind,
          reason: e.reason,
          afterShipment: e.afterShipment,
          overdueEntry: e.overdueEntry === true,
        };
      break;
    case "aftersale.merchant_acted":
      a.acts = addById(a.acts, { at, id: e.id, decision: e.decision });
      break;
    case "aftersale.return_signed":
      a.returnsSigned = addById(a.returnsSigned, { at, id: e.id });
      break;
    case "aftersale.ready_for_processing":
      a.ready = addTime(a.ready, at);
      break;
    case "aftersale.processed":
      a.processed = addTime(a.processed, at);
      break;
    case "aftersale.awaiting_customer":
      a.awaitingCustomer = addTime(a.awaitingCustomer, at);
      break;
    case "aftersale.platform_intervened":
      a.intervened = addTime(a.intervened, at);
      break;
    case "aftersale.arbitrated":
      a.arbitrations = addById(a.arbitrations, { at, id: e.id, liability: e.liability });
      break;
    case "aftersale.cancelled":
      a.cancelled = addTime(a.cancelled, at);
      break;
    case "aftersale.completed":
      a.completions = addById(a.completions, { at, id: e.id, outcome: e.outcome });
      break;
    default:
      break;
  }
  return a;
}

export function foldConsumer(rec: ConsumerRec, e: CanonicalEvent, at: number): ConsumerRec {
  const c: ConsumerRec = { ...rec };
  switch (e.type) {
    case "chat.transferred":
      c.transfers = addTime(c.transfers, at);
      break;
    case "chat.closed":
      c.closes = addTime(c.closes, at);
      break;
    case "chat.message": {
      const kind: MessageKind = e.sender === "consumer" ? "consumer" : e.sender === "agent" || e.assist === true ? "reply" : "other";
      const m = c.messages ? [...c.messages] : [];
      let i = 0;
      while (i < m.length && (m[i]!.at < at || (m[i]!.at === at && m[i]!.kind < kind))) i++;
      if (!(m[i] && m[i]!.at === at && m[i]!.kind === kind)) m.splice(i, 0, { at, kind });
      c.messages = m;
      break;
    }
    case "chat.rated":
      c.ratings = addById(c.ratings, { at, id: e.id, cardSentAt: toMillis(e.cardSentAt), rating: e.rating, robot: e.robot === true });
      break;
    case "consumer.excluded":
      c.excludedAt = min(c.excludedAt, at);
      break;
    default:
      break;
  }
  return c;
}

export function foldEvent(key: string, rec: EntityRec | undefined, e: CanonicalEvent, at: number): EntityRec {
  if (e.type === "exclusion.requested" || e.type === "exclusion.decided") {
    // Filed under an order, an after-sale or a consumer (entityOf), never a score record.
    const r = rec as OrderRec | AftersaleRec | ConsumerRec | undefined;
    return { ...(r ?? {}), excl: foldExclusion(r?.excl, e, at) };
  }
  if (key.startsWith("o:")) return foldOrder((rec ?? {}) as OrderRec, e, at);
  if (key.startsWith("a:")) return foldAftersale((rec ?? {}) as AftersaleRec, e, at);
  if (isScoreKey(key)) return foldScore(key, rec as ScoreRec | undefined, e, at);
  return foldConsumer((rec ?? {}) as ConsumerRec, e, at);
}

/** The summary an order keeps of one of its after-sales. */
export function aftersaleSummary(a: AftersaleRec): AftersaleSummary | undefined {
  if (!a.request) return undefined;
  const acts = a.acts ?? [];
  const cancelAt = a.cancelled?.[0];
  const s: AftersaleSummary = {
    requestedAt: a.request.at,
    requestId: a.request.id,
    kind: a.request.kind,
    reason: a.request.reason,
    afterShipment: a.request.afterShipment,
    overdueEntry: a.request.overdueEntry,
    cancelledFirst: cancelAt !== undefined && !acts.some((x) => x.at <= cancelAt),
    intervened: (a.intervened?.length ?? 0) > 0,
  };
  const lastDecision = acts.at(-1)?.decision;
  if (lastDecision !== undefined) s.lastDecision = lastDecision;
  const lastLiability = a.arbitrations?.at(-1)?.liability;
  if (lastLiability !== undefined) s.lastLiability = lastLiability;
  const completedAt = a.completions?.[0]?.at;
  if (completedAt !== undefined) s.completedAt = completedAt;
  if (a.completions?.[0]?.outcome === "refunded") s.refundedFirst = true;
  return s;
}

// Conversions to the reference model's fact shapes, so the incremental engine reuses the reference's chat,
// wait and business-time rules instead of restating them.

export function orderFacts(id: string, o: OrderRec): OrderFacts {
  const flags = o.paid?.flags ?? 0;
  const f: OrderFacts = {
    orderId: id,
    presale: (flags & 1) !== 0,
    custom: (flags & 2) !== 0,
    noShipment: (flags & 4) !== 0,
    feedback: [],
    complaints: o.complaintAt !== undefined ? [o.complaintAt] : [],
    afterSaleIds: [],
  };
  if (o.paid) {
    f.paidAt = o.paid.at;
    if (o.paid.promisedShipBy !== undefined) f.promisedShipBy = o.paid.promisedShipBy;
    if (o.paid.shipFrom !== undefined) f.shipFrom = o.paid.shipFrom;
    if (o.paid.shipTo !== undefined) f.shipTo = o.paid.shipTo;
  }
  if (o.cancelledAt !== undefined) f.cancelledAt = o.cancelledAt;
  if (o.shippedAt !== undefined) f.shippedAt = o.shippedAt;
  if (o.pickedUpAt !== undefined) f.pickedUpAt = o.pickedUpAt;
  if (o.lastTrackAt !== undefined) f.lastTrackAt = o.lastTrackAt;
  if (o.signedAt !== undefined) f.signedAt = o.signedAt;
  if (o.review) {
    f.firstReview = { at: o.review.at, rating: o.review.rating as "good" | "neutral" | "bad" };
    if (o.review.score !== undefined) f.firstReview.score = o.review.score;
  }
  if (o.signPromise) f.promisedSignBy = o.signPromise.promisedSignBy;
  if (o.slowShippingFeedbackAt !== undefined) f.feedback.push({ at: o.slowShippingFeedbackAt, issue: "shipping", reason: "slow_shipping" });
  if (o.otherShippingFeedbackAt !== undefined) f.feedback.push({ at: o.otherShippingFeedbackAt, issue: "shipping", reason: "other" });
  return f;
}

export function aftersaleFacts(id: string, a: AftersaleRec): AftersaleFacts {
  const f: AftersaleFacts = {
    afterSaleId: id,
    acted: (a.acts ?? []).map(({ at, decision }) => ({ at, decision: decision as "agree" | "refuse" })),
    returnSigned: (a.returnsSigned ?? []).map(({ at }) => at),
    ready: a.ready ?? [],
    processed: a.processed ?? [],
    awaitingCustomer: a.awaitingCustomer ?? [],
    intervened: a.intervened ?? [],
    arbitrated: (a.arbitrations ?? []).map(({ at, liability }) => ({ at, liability })),
    cancelled: a.cancelled ?? [],
    completed: (a.completions ?? []).map(({ at, outcome }) => ({ at, outcome })),
  };
  if (a.request) {
    const q = a.request;
    f.orderId = q.orderId;
    f.requested = { at: q.at, kind: q.kind, reason: q.reason, afterShipment: q.afterShipment, overdueEntry: q.overdueEntry };
  }
  return f;
}

const SENDERS: Record<MessageKind, ChatMessageFact> = {
  consumer: { at: 0, sender: "consumer", assist: false },
  reply: { at: 0, sender: "agent", assist: false },
  other: { at: 0, sender: "robot", assist: false },
};

export function consumerFacts(id: string, c: ConsumerRec): ConsumerFacts {
  return {
    consumerId: id,
    transfers: c.transfers ?? [],
    closes: c.closes ?? [],
    messages: (c.messages ?? []).map(({ at, kind }) => ({ ...SENDERS[kind], at })),
  };
}

export function ratingFacts(id: string, c: ConsumerRec): RatingFact[] {
  return (c.ratings ?? []).map(({ at, cardSentAt, rating, robot }) => ({ consumerId: id, at, cardSentAt, rating, robot }));
}

/** Every time a record holds (to decide its retention). */
export function recordTimes(key: string, rec: EntityRec): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "number") out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(rec);
  // Flags, review scores and other small numbers are not times.
  return out.filter((t) => t > 1e11);
}

let lo = Infinity;
let hi = -Infinity;
function walkTimes(v: unknown): void {
  if (typeof v === "number") {
    if (v > 1e11) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) walkTimes(v[i]);
  else if (v && typeof v === "object") for (const k in v) if (Object.hasOwn(v, k)) walkTimes((v as Record<string, unknown>)[k]);
}

/**
 * The smallest and the largest of `recordTimes(key, rec)`, without listing them (the fold's expiry, once per
 * changed entity); undefined when the record holds no time. recordTimes stays the reference (records.unit.test.ts).
 */
export function recordTimeRange(rec: EntityRec): { min: number; max: number } | undefined {
  lo = Infinity;
  hi = -Infinity;
  walkTimes(rec);
  return hi === -Infinity ? undefined : { min: lo, max: hi };
}
