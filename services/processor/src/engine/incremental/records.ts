import { toMillis, type CanonicalEvent } from "@sg/events";
import type { AftersaleFacts, ChatMessageFact, ConsumerFacts, OrderFacts, RatingFact } from "../model.js";

/**
 * Entity records (architecture.md "Bounded state, bounded work"): each holds only the facts its metrics
 * read, folded so that any arrival order and any duplicate give the same record. Every fold below is a
 * first-by-(time, id), a min, a max, or a set, so applying an event twice, or in any order, is the same.
 *
 * Keys inside a shop: `o:<orderId>`, `a:<afterSaleId>`, `c:<consumerId>`.
 */

/** An order, with a summary of each of its after-sales (those whose request names it). */
export interface OrderRec {
  /** First `order.paid` by (time, id): [at, event id, flags (1 presale, 2 custom, 4 noShipment), promisedShipBy or -1]. */
  p?: [number, string, number, number];
  /** Earliest cancel, ship, pickup, sign; latest pickup or tracking update. */
  c?: number;
  s?: number;
  k?: number;
  l?: number;
  g?: number;
  /** First review by (time, id): [at, id, rating, score (1–5; 0 when the review has none)]. */
  r?: [number, string, string, number];
  /** The earliest pickup by (time, id) that carries the carrier's promise: [at, id, promisedSignBy]. */
  w?: [number, string, number];
  /** Shipping feedback: latest `slow_shipping` time, earliest of any other reason (metrics.md: counting is monotone in time). */
  fs?: number;
  fo?: number;
  /** Earliest complaint. */
  q?: number;
  /** afterSaleId → summary (aftersaleSummary). */
  as?: Record<string, AftersaleSummary>;
}

/**
 * What an order's metrics read of one after-sale: [requested at, requested event id, kind, reason,
 * afterShipment, overdueEntry, cancelled before any merchant action, last decision, last liability,
 * earliest completion (or -1), intervened, that completion is a refund (refundedFirst)].
 */
export type AftersaleSummary = [number, string, string, string, 0 | 1, 0 | 1, 0 | 1, string, string, number, 0 | 1, 0 | 1];

export interface AftersaleRec {
  /** First `aftersale.requested` by (time, id): [at, id, orderId, kind, reason, afterShipment, overdueEntry]. */
  q?: [number, string, string, string, string, 0 | 1, 0 | 1];
  /** Merchant actions: [at, id, decision], sorted by (at, id). */
  a?: [number, string, string][];
  /**
   * Returned goods signed for: [at, event id], sorted by (at, id), once per id. Each opens a merchant wait
   * (metrics.md "Awaiting-merchant time"), so two at one instant are two waits; an id tells them from a
   * duplicate.
   */
  rs?: [number, string][];
  /** Sets of times. */
  rd?: number[];
  pr?: number[];
  aw?: number[];
  iv?: number[];
  cn?: number[];
  /** Arbitrations and completions: [at, id, value], sorted by (at, id). */
  ar?: [number, string, string][];
  cp?: [number, string, string][];
}

/** Message kinds: c consumer, r reply (agent or assist robot), o other robot. */
export type MessageKind = "c" | "r" | "o";

export interface ConsumerRec {
  /** Transfers and closes (sets of times). */
  t?: number[];
  x?: number[];
  /** Messages: [at, kind], a sorted set. */
  m?: [number, MessageKind][];
  /** Ratings: [at, event id, cardSentAt, rating, robot], sorted by (at, id). */
  r?: [number, string, number, string, 0 | 1][];
  /** Excluded (metrics.md "Excluded consumer"): earliest exclusion time. */
  ex?: number;
}

export type EntityRec = OrderRec | AftersaleRec | ConsumerRec;

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
    default:
      return `a:${e.afterSaleId}`;
  }
}

/**
 * The entity an exclusion names (its item's record, where a later fold can apply it retroactively): an order,
 * an after-sale, or a consumer (for a session, the session's consumer). No fold reads exclusions yet, so they
 * change no record and no number (docs/exclusions.md "What the engine does today").
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

/** Inserts [at, id, …] into a list sorted by (at, id), once per id. */
function addById<T extends [number, string, ...unknown[]]>(xs: T[] | undefined, x: T): T[] {
  const out = xs ? [...xs] : [];
  if (out.some((y) => y[1] === x[1])) return out;
  let i = 0;
  while (i < out.length && (out[i]![0] < x[0] || (out[i]![0] === x[0] && out[i]![1] < x[1]))) i++;
  out.splice(i, 0, x);
  return out;
}

/** (at, id) is earlier than the record's (at, id). */
function earlier(at: number, id: string, prev: [number, string, ...unknown[]] | undefined): boolean {
  return prev === undefined || at < prev[0] || (at === prev[0] && id < prev[1]);
}

export function foldOrder(rec: OrderRec, e: CanonicalEvent, at: number): OrderRec {
  const o: OrderRec = { ...rec };
  switch (e.type) {
    case "order.paid":
      if (earlier(at, e.id, o.p)) {
        const flags = (e.presale === true ? 1 : 0) | (e.custom === true ? 2 : 0) | (e.noShipment === true ? 4 : 0);
        o.p = [at, e.id, flags, e.promisedShipBy !== undefined ? toMillis(e.promisedShipBy) : -1];
      }
      break;
    case "order.cancelled":
      o.c = min(o.c, at);
      break;
    case "order.shipped":
      o.s = min(o.s, at);
      break;
    case "logistics.picked_up":
      o.k = min(o.k, at);
      o.l = max(o.l, at);
      if (e.promisedSignBy !== undefined && earlier(at, e.id, o.w)) o.w = [at, e.id, toMillis(e.promisedSignBy)];
      break;
    case "logistics.updated":
      o.l = max(o.l, at);
      break;
    case "logistics.signed":
      o.g = min(o.g, at);
      break;
    case "review.posted":
      if (earlier(at, e.id, o.r)) o.r = [at, e.id, e.rating, e.score ?? 0];
      break;
    case "feedback.posted":
      if (e.issue === "shipping") {
        if (e.reason === "slow_shipping") o.fs = max(o.fs, at);
        else o.fo = min(o.fo, at);
      }
      break;
    case "complaint.filed":
      o.q = min(o.q, at);
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
      if (earlier(at, e.id, a.q)) a.q = [at, e.id, e.orderId, e.kind, e.reason, e.afterShipment ? 1 : 0, e.overdueEntry === true ? 1 : 0];
      break;
    case "aftersale.merchant_acted":
      a.a = addById(a.a, [at, e.id, e.decision]);
      break;
    case "aftersale.return_signed":
      a.rs = addById(a.rs, [at, e.id]);
      break;
    case "aftersale.ready_for_processing":
      a.rd = addTime(a.rd, at);
      break;
    case "aftersale.processed":
      a.pr = addTime(a.pr, at);
      break;
    case "aftersale.awaiting_customer":
      a.aw = addTime(a.aw, at);
      break;
    case "aftersale.platform_intervened":
      a.iv = addTime(a.iv, at);
      break;
    case "aftersale.arbitrated":
      a.ar = addById(a.ar, [at, e.id, e.liability]);
      break;
    case "aftersale.cancelled":
      a.cn = addTime(a.cn, at);
      break;
    case "aftersale.completed":
      a.cp = addById(a.cp, [at, e.id, e.outcome]);
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
      c.t = addTime(c.t, at);
      break;
    case "chat.closed":
      c.x = addTime(c.x, at);
      break;
    case "chat.message": {
      const kind: MessageKind = e.sender === "consumer" ? "c" : e.sender === "agent" || e.assist === true ? "r" : "o";
      const m = c.m ? [...c.m] : [];
      let i = 0;
      while (i < m.length && (m[i]![0] < at || (m[i]![0] === at && m[i]![1] < kind))) i++;
      if (!(m[i] && m[i]![0] === at && m[i]![1] === kind)) m.splice(i, 0, [at, kind]);
      c.m = m;
      break;
    }
    case "chat.rated":
      c.r = addById(c.r, [at, e.id, toMillis(e.cardSentAt), e.rating, e.robot === true ? 1 : 0]);
      break;
    case "consumer.excluded":
      c.ex = min(c.ex, at);
      break;
    default:
      break;
  }
  return c;
}

export function foldEvent(key: string, rec: EntityRec | undefined, e: CanonicalEvent, at: number): EntityRec {
  if (key.startsWith("o:")) return foldOrder((rec ?? {}) as OrderRec, e, at);
  if (key.startsWith("a:")) return foldAftersale((rec ?? {}) as AftersaleRec, e, at);
  return foldConsumer((rec ?? {}) as ConsumerRec, e, at);
}

/** The summary an order keeps of one of its after-sales (see AftersaleSummary). */
export function aftersaleSummary(a: AftersaleRec): AftersaleSummary | undefined {
  if (!a.q) return undefined;
  const acts = a.a ?? [];
  const cancelAt = a.cn?.[0];
  const cancelledFirst = cancelAt !== undefined && !acts.some((x) => x[0] <= cancelAt) ? 1 : 0;
  const lastDecision = acts[acts.length - 1]?.[2] ?? "";
  const lastLiability = a.ar?.[a.ar.length - 1]?.[2] ?? "";
  return [
    a.q[0],
    a.q[1],
    a.q[3],
    a.q[4],
    a.q[5],
    a.q[6],
    cancelledFirst,
    lastDecision,
    lastLiability,
    a.cp?.[0]?.[0] ?? -1,
    a.iv?.length ? 1 : 0,
    refundedFirst(a),
  ];
}

/** 1 when the after-sale's first completion (by time, then id) is a refund (refund_duration_mean). */
export function refundedFirst(a: AftersaleRec): 0 | 1 {
  return a.cp?.[0]?.[2] === "refunded" ? 1 : 0;
}

// Conversions to the reference model's fact shapes, so the incremental engine reuses the reference's chat,
// wait and business-time rules instead of restating them.

export function orderFacts(id: string, o: OrderRec): OrderFacts {
  const f: OrderFacts = {
    orderId: id,
    presale: ((o.p?.[2] ?? 0) & 1) !== 0,
    custom: ((o.p?.[2] ?? 0) & 2) !== 0,
    noShipment: ((o.p?.[2] ?? 0) & 4) !== 0,
    feedback: [],
    complaints: o.q !== undefined ? [o.q] : [],
    afterSaleIds: [],
  };
  if (o.p) {
    f.paidAt = o.p[0];
    if (o.p[3] !== -1) f.promisedShipBy = o.p[3];
  }
  if (o.c !== undefined) f.cancelledAt = o.c;
  if (o.s !== undefined) f.shippedAt = o.s;
  if (o.k !== undefined) f.pickedUpAt = o.k;
  if (o.l !== undefined) f.lastTrackAt = o.l;
  if (o.g !== undefined) f.signedAt = o.g;
  if (o.r) {
    f.firstReview = { at: o.r[0], rating: o.r[2] as "good" | "neutral" | "bad" };
    if (o.r[3] > 0) f.firstReview.score = o.r[3];
  }
  if (o.w) f.promisedSignBy = o.w[2];
  if (o.fs !== undefined) f.feedback.push({ at: o.fs, issue: "shipping", reason: "slow_shipping" });
  if (o.fo !== undefined) f.feedback.push({ at: o.fo, issue: "shipping", reason: "other" });
  return f;
}

export function aftersaleFacts(id: string, a: AftersaleRec): AftersaleFacts {
  const f: AftersaleFacts = {
    afterSaleId: id,
    acted: (a.a ?? []).map(([at, , decision]) => ({ at, decision: decision as "agree" | "refuse" })),
    returnSigned: (a.rs ?? []).map(([at]) => at),
    ready: a.rd ?? [],
    processed: a.pr ?? [],
    awaitingCustomer: a.aw ?? [],
    intervened: a.iv ?? [],
    arbitrated: (a.ar ?? []).map(([at, , liability]) => ({ at, liability })),
    cancelled: a.cn ?? [],
    completed: (a.cp ?? []).map(([at, , outcome]) => ({ at, outcome })),
  };
  if (a.q) {
    f.orderId = a.q[2];
    f.requested = { at: a.q[0], kind: a.q[3], reason: a.q[4], afterShipment: a.q[5] === 1, overdueEntry: a.q[6] === 1 };
  }
  return f;
}

export function consumerFacts(id: string, c: ConsumerRec): ConsumerFacts {
  const kinds: Record<MessageKind, ChatMessageFact> = {
    c: { at: 0, sender: "consumer", assist: false },
    r: { at: 0, sender: "agent", assist: false },
    o: { at: 0, sender: "robot", assist: false },
  };
  return {
    consumerId: id,
    transfers: c.t ?? [],
    closes: c.x ?? [],
    messages: (c.m ?? []).map(([at, k]) => ({ ...kinds[k], at })),
  };
}

export function ratingFacts(id: string, c: ConsumerRec): RatingFact[] {
  return (c.r ?? []).map(([at, , cardSentAt, rating, robot]) => ({ consumerId: id, at, cardSentAt, rating, robot: robot === 1 }));
}

/** Every time a record holds (to decide its retention). */
export function recordTimes(key: string, rec: EntityRec): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "number") out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  if (key.startsWith("c:")) {
    const c = rec as ConsumerRec;
    walk(c.t);
    walk(c.x);
    for (const m of c.m ?? []) out.push(m[0]);
    for (const r of c.r ?? []) out.push(r[0], r[2]);
    if (c.ex !== undefined) out.push(c.ex);
  } else {
    walk(rec);
  }
  // Flags, -1 placeholders and small numbers are not times.
  return out.filter((t) => t > 1e11);
}
