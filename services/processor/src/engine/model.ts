import { toMillis, type CanonicalEvent } from "@sg/events";

/**
 * Facts of one shop derived from its events, in event-time order, as of `asOf`.
 * Every metric kind reads these; none reads raw events. Events later than `asOf` are not facts yet.
 */

export interface TimedEvent {
  ms: number;
  event: CanonicalEvent;
}

export interface OrderFacts {
  orderId: string;
  paidAt?: number;
  presale: boolean;
  custom: boolean;
  noShipment: boolean;
  promisedShipBy?: number;
  /** GB/T 2260 codes of where the order ships from and to, when its payment gives them (calendars' exclude_regions). */
  shipFrom?: string;
  shipTo?: string;
  cancelledAt?: number;
  shippedAt?: number;
  pickedUpAt?: number;
  /** The carrier's promised delivery time, from the earliest pickup that gives one. */
  promisedSignBy?: number;
  /** Latest pickup or tracking update. */
  lastTrackAt?: number;
  signedAt?: number;
  /** The first review; `score` (1–5) when it carries one. */
  firstReview?: { at: number; rating: "good" | "neutral" | "bad"; score?: number };
  feedback: { at: number; issue: string; reason: string }[];
  complaints: number[];
  afterSaleIds: string[];
}

export interface AftersaleFacts {
  afterSaleId: string;
  orderId?: string;
  requested?: { at: number; kind: string; reason: string; afterShipment: boolean; overdueEntry: boolean };
  acted: { at: number; decision: "agree" | "refuse" }[];
  returnSigned: number[];
  ready: number[];
  processed: number[];
  awaitingCustomer: number[];
  intervened: number[];
  arbitrated: { at: number; liability: string }[];
  cancelled: number[];
  completed: { at: number; outcome: string }[];
}

export interface ChatMessageFact {
  at: number;
  sender: "consumer" | "agent" | "robot";
  assist: boolean;
}

export interface ConsumerFacts {
  consumerId: string;
  transfers: number[];
  closes: number[];
  messages: ChatMessageFact[];
}

export interface RatingFact {
  consumerId: string;
  at: number;
  cardSentAt: number;
  rating: string;
  robot: boolean;
}

export interface ShopModel {
  asOf: number;
  orders: Map<string, OrderFacts>;
  aftersales: Map<string, AftersaleFacts>;
  /** Consumers not excluded. */
  consumers: Map<string, ConsumerFacts>;
  /** Ratings of consumers not excluded. */
  ratings: RatingFact[];
  excluded: Set<string>;
  /**
   * Session-like items (a wait, a JD session, a rating card) approved session exclusions take out of the metric
   * measured, by consumer, by the moment they opened (history-exclusions.ts; absent: none).
   */
  sessionsOut?: ReadonlyMap<string, ReadonlySet<number>>;
}

/** Whether a consumer's session-like item opened at `open` is taken out (ShopModel.sessionsOut). */
export function sessionTakenOut(model: ShopModel, consumerId: string, open: number): boolean {
  return model.sessionsOut?.get(consumerId)?.has(open) === true;
}

/** Sorts by event time; ties by id so that the order never depends on arrival. */
export function sortEvents(events: CanonicalEvent[]): TimedEvent[] {
  return events
    .map((event) => ({ ms: toMillis(event.at), event }))
    .sort((a, b) => a.ms - b.ms || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0));
}

function order(m: ShopModel, orderId: string): OrderFacts {
  let o = m.orders.get(orderId);
  if (!o) {
    o = { orderId, presale: false, custom: false, noShipment: false, feedback: [], complaints: [], afterSaleIds: [] };
    m.orders.set(orderId, o);
  }
  return o;
}

function aftersale(m: ShopModel, afterSaleId: string): AftersaleFacts {
  let a = m.aftersales.get(afterSaleId);
  if (!a) {
    a = {
      afterSaleId,
      acted: [],
      returnSigned: [],
      ready: [],
      processed: [],
      awaitingCustomer: [],
      intervened: [],
      arbitrated: [],
      cancelled: [],
      completed: [],
    };
    m.aftersales.set(afterSaleId, a);
  }
  return a;
}

function consumer(map: Map<string, ConsumerFacts>, consumerId: string): ConsumerFacts {
  let c = map.get(consumerId);
  if (!c) {
    c = { consumerId, transfers: [], closes: [], messages: [] };
    map.set(consumerId, c);
  }
  return c;
}

/** Builds the facts from events already sorted by `sortEvents`. */
export function buildModel(sorted: TimedEvent[], asOf: number): ShopModel {
  const m: ShopModel = { asOf, orders: new Map(), aftersales: new Map(), consumers: new Map(), ratings: [], excluded: new Set() };
  const consumers = new Map<string, ConsumerFacts>();
  const ratings: RatingFact[] = [];
  for (const { ms, event: e } of sorted) {
    if (ms > asOf) break;
    switch (e.type) {
      case "order.paid": {
        const o = order(m, e.orderId);
        if (o.paidAt === undefined) {
          o.paidAt = ms;
          o.presale = e.presale === true;
          o.custom = e.custom === true;
          o.noShipment = e.noShipment === true;
          if (e.promisedShipBy !== undefined) o.promisedShipBy = toMillis(e.promisedShipBy);
          if (e.shipFromRegion !== undefined) o.shipFrom = e.shipFromRegion;
          if (e.shipToRegion !== undefined) o.shipTo = e.shipToRegion;
        }
        break;
      }
      case "order.cancelled":
        order(m, e.orderId).cancelledAt ??= ms;
        break;
      case "order.shipped":
        order(m, e.orderId).shippedAt ??= ms;
        break;
      case "logistics.picked_up": {
        const o = order(m, e.orderId);
        o.pickedUpAt ??= ms;
        o.lastTrackAt = ms;
        if (e.promisedSignBy !== undefined) o.promisedSignBy ??= toMillis(e.promisedSignBy);
        break;
      }
      case "logistics.updated":
        order(m, e.orderId).lastTrackAt = ms;
        break;
      case "logistics.signed":
        order(m, e.orderId).signedAt ??= ms;
        break;
      case "review.posted":
        order(m, e.orderId).firstReview ??=
          e.score === undefined ? { at: ms, rating: e.rating } : { at: ms, rating: e.rating, score: e.score };
        break;
      case "feedback.posted":
        order(m, e.orderId).feedback.push({ at: ms, issue: e.issue, reason: e.reason });
        break;
      case "complaint.filed":
        order(m, e.orderId).complaints.push(ms);
        break;
      case "aftersale.requested": {
        const a = aftersale(m, e.afterSaleId);
        if (!a.requested) {
          a.requested = { at: ms, kind: e.kind, reason: e.reason, afterShipment: e.afterShipment, overdueEntry: e.overdueEntry === true };
          a.orderId = e.orderId;
          order(m, e.orderId).afterSaleIds.push(e.afterSaleId);
        }
        break;
      }
      case "aftersale.merchant_acted":
        aftersale(m, e.afterSaleId).acted.push({ at: ms, decision: e.decision });
        break;
      case "aftersale.return_signed":
        aftersale(m, e.afterSaleId).returnSigned.push(ms);
        break;
      case "aftersale.ready_for_processing":
        aftersale(m, e.afterSaleId).ready.push(ms);
        break;
      case "aftersale.processed":
        aftersale(m, e.afterSaleId).processed.push(ms);
        break;
      case "aftersale.awaiting_customer":
        aftersale(m, e.afterSaleId).awaitingCustomer.push(ms);
        break;
      case "aftersale.platform_intervened":
        aftersale(m, e.afterSaleId).intervened.push(ms);
        break;
      case "aftersale.arbitrated":
        aftersale(m, e.afterSaleId).arbitrated.push({ at: ms, liability: e.liability });
        break;
      case "aftersale.cancelled":
        aftersale(m, e.afterSaleId).cancelled.push(ms);
        break;
      case "aftersale.completed":
        aftersale(m, e.afterSaleId).completed.push({ at: ms, outcome: e.outcome });
        break;
      case "chat.transferred":
        consumer(consumers, e.consumerId).transfers.push(ms);
        break;
      case "chat.closed":
        consumer(consumers, e.consumerId).closes.push(ms);
        break;
      case "chat.message":
        consumer(consumers, e.consumerId).messages.push({ at: ms, sender: e.sender, assist: e.assist === true });
        break;
      case "chat.rated":
        ratings.push({ consumerId: e.consumerId, at: ms, cardSentAt: toMillis(e.cardSentAt), rating: e.rating, robot: e.robot === true });
        break;
      case "consumer.excluded":
        m.excluded.add(e.consumerId);
        break;
    }
  }
  // An exclusion removes every contribution of the consumer, whenever it arrived (metrics.md "Excluded consumer").
  for (const [id, c] of consumers) if (!m.excluded.has(id)) m.consumers.set(id, c);
  m.ratings = ratings.filter((r) => !m.excluded.has(r.consumerId));
  return m;
}
