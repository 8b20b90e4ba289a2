import { toMillis, type CanonicalEvent } from "@sg/events";

/**
 * The facts of one shop at a moment (events.md): each `id` counts once, the first copy seen winning; an
 * event later than the moment is not a fact yet; facts are read in `at` order, ties by id, so that no result
 * depends on arrival order. Facts are grouped by the entity they name (order, after-sale, consumer).
 */

export type EventOf<T extends CanonicalEvent["type"]> = Extract<CanonicalEvent, { type: T }>;

export interface Fact<E extends CanonicalEvent = CanonicalEvent> {
  /** Event time, epoch ms. */
  at: number;
  event: E;
}

export interface ShopFacts {
  asOf: number;
  /** Facts naming each order (order.*, logistics.*, review, feedback, complaint), by orderId. */
  orders: Map<string, Fact[]>;
  /** Facts naming each after-sale (aftersale.*), by afterSaleId. */
  aftersales: Map<string, Fact[]>;
  /** Chat facts (transfers, messages, closes, ratings) of consumers never excluded, by consumerId. */
  consumers: Map<string, Fact[]>;
  /** Consumers with a `consumer.excluded` fact. */
  excluded: Set<string>;
  /** Session-like items passed over, by consumer, by the moment they opened (exclusion-rules.ts 5; absent: none). */
  sessionsOut?: Map<string, Set<number>>;
}

/** Whether the consumer's session-like item opened at `open` is passed over (an approved session exclusion). */
export function sessionOut(facts: ShopFacts, consumerId: string, open: number): boolean {
  return facts.sessionsOut?.get(consumerId)?.has(open) === true;
}

function byTime(a: Fact, b: Fact): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}

function add(map: Map<string, Fact[]>, key: string, f: Fact): void {
  const list = map.get(key);
  if (list) list.push(f);
  else map.set(key, [f]);
}

export function shopFacts(events: readonly CanonicalEvent[], asOf: number): ShopFacts {
  const firstCopy = new Map<string, CanonicalEvent>();
  for (const e of events) if (!firstCopy.has(e.id)) firstCopy.set(e.id, e);
  const facts = [...firstCopy.values()].map((event) => ({ at: toMillis(event.at), event })).filter((f) => f.at <= asOf);
  facts.sort(byTime);

  const orders = new Map<string, Fact[]>();
  const aftersales = new Map<string, Fact[]>();
  const chat = new Map<string, Fact[]>();
  const excluded = new Set<string>();
  for (const f of facts) {
    const e = f.event;
    // A score's bonuses and deductions name no order (score-adjustments.ts reads them).
    if (e.type.startsWith("score.")) continue;
    if (e.type === "consumer.excluded") excluded.add(e.consumerId);
    // Appeals and exemptions name an item; exclusion-rules.ts reads them from the events.
    else if (e.type === "exclusion.requested" || e.type === "exclusion.decided") continue;
    else if (e.type.startsWith("aftersale.")) add(aftersales, (e as EventOf<"aftersale.requested">).afterSaleId, f);
    else if (e.type.startsWith("chat.")) add(chat, (e as EventOf<"chat.message">).consumerId, f);
    else add(orders, (e as EventOf<"order.paid">).orderId, f);
  }
  const consumers = new Map([...chat].filter(([id]) => !excluded.has(id)));
  return { asOf, orders, aftersales, consumers, excluded };
}

/** The facts of one type, in time order. */
export function all<T extends CanonicalEvent["type"]>(facts: readonly Fact[] | undefined, type: T): Fact<EventOf<T>>[] {
  return (facts ?? []).filter((f): f is Fact<EventOf<T>> => f.event.type === type);
}

/** The earliest fact of a type (ties by id), if any. */
export function first<T extends CanonicalEvent["type"]>(facts: readonly Fact[] | undefined, type: T): Fact<EventOf<T>> | undefined {
  return all(facts, type)[0];
}

/** The latest fact of a type (ties by id), if any. */
export function last<T extends CanonicalEvent["type"]>(facts: readonly Fact[] | undefined, type: T): Fact<EventOf<T>> | undefined {
  const xs = all(facts, type);
  return xs[xs.length - 1];
}

/** The order an after-sale belongs to: the one its first request names. */
export function orderOfAftersale(facts: readonly Fact[]): string | undefined {
  return first(facts, "aftersale.requested")?.event.orderId;
}
