import { toMillis, type CanonicalEvent, type ExclusionReason, type ExclusionScope } from "@sg/events";
import type { MetricDef } from "@sg/rules";
import { orderOfAftersale, type ShopFacts } from "./facts.js";

/**
 * Appeals and exemptions in the reference model, restated from docs/exclusions.md "What the engine must do"
 * on the shop's events, independently of engine v2's records:
 *
 * 1. An exclusion is named by (scope, itemId, consumerId, exclusionId). Its request is the earliest
 *    `exclusion.requested` by (at, id); its decision the latest `exclusion.decided` by (at, id). Decided, it
 *    stands on the decision's fields (a decision without a request included); undecided, it is pending on the
 *    request's.
 * 2. Approved, its item leaves every metric it names (all when it names none), on every day: the metric is
 *    measured on the facts without the item's entity. Which entity an item belongs to is the metric's:
 *    an order's metrics (their after-sales read through the order: 品退's first request, in-transit refunds),
 *    an after-sale's own flow, a consumer's chat and ratings (ITEM_OWNER).
 * 3. A metric whose exclusions leave the numerator only keeps the item in its denominator: its numerator is
 *    measured without the item, its denominator with it.
 * 4. Rejected: nothing.
 * 5. A session-scoped exclusion names one item of its consumer by the moment it opened (the evidence API's
 *    session id, an ISO-8601 instant): a wait of avg_response_seconds, a JD session of
 *    first_response_sessions, a rating card (its cardSentAt) of rating_share and rating_score_mean
 *    (SESSION_KINDS). The metric is measured on the facts with that item passed over (ShopFacts.sessionsOut).
 *    Other chat kinds count consumer-days, buyers, imputed rounds or bad ratings: a session exclusion does
 *    not reach them (docs/exclusions.md "Sessions").
 */

export interface RefExclusion {
  scope: ExclusionScope;
  itemId: string;
  consumerId?: string;
  exclusionId?: string;
  state: "approved" | "rejected" | "pending";
  reason: ExclusionReason;
  metrics?: readonly string[];
  /** The decision's time, or the request's while pending. */
  at: number;
  /** The request's time, when there is one. */
  requestedAt?: number;
}

type ExclusionEvent = Extract<CanonicalEvent, { type: "exclusion.requested" | "exclusion.decided" }>;

/** Every exclusion of the shop as of `asOf` (each event id once, its first copy; later events not facts yet). */
export function exclusionsOf(events: readonly CanonicalEvent[], asOf: number): RefExclusion[] {
  const firstCopy = new Map<string, ExclusionEvent>();
  for (const e of events)
    if ((e.type === "exclusion.requested" || e.type === "exclusion.decided") && !firstCopy.has(e.id) && toMillis(e.at) <= asOf)
      firstCopy.set(e.id, e);
  const byName = new Map<string, ExclusionEvent[]>();
  for (const e of firstCopy.values()) {
    const name = JSON.stringify([e.scope, e.itemId, e.consumerId ?? null, e.exclusionId ?? null]);
    byName.set(name, [...(byName.get(name) ?? []), e]);
  }
  const order = (a: ExclusionEvent, b: ExclusionEvent) => toMillis(a.at) - toMillis(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const out: RefExclusion[] = [];
  for (const list of byName.values()) {
    const requests = list.filter((e) => e.type === "exclusion.requested").sort(order);
    const decisions = list
      .filter((e): e is Extract<ExclusionEvent, { type: "exclusion.decided" }> => e.type === "exclusion.decided")
      .sort(order);
    const request = requests[0];
    const decision = decisions[decisions.length - 1];
    const stands = decision ?? request!;
    const x: RefExclusion = {
      scope: stands.scope,
      itemId: stands.itemId,
      state: decision ? decision.decision : "pending",
      reason: stands.reason,
      at: toMillis(stands.at),
    };
    if (stands.consumerId !== undefined) x.consumerId = stands.consumerId;
    if (stands.exclusionId !== undefined) x.exclusionId = stands.exclusionId;
    if (stands.metrics !== undefined) x.metrics = stands.metrics;
    if (request) x.requestedAt = toMillis(request.at);
    out.push(x);
  }
  return out;
}

/** Kinds whose items are an after-sale's own flow, and those whose items are a consumer's chat and ratings. */
const AFTERSALE_FLOW: ReadonlySet<MetricDef["kind"]> = new Set([
  "aftersale_awaiting_hours",
  "dispute_rate",
  "business_time_rate",
  "ever_state_rate",
  "overdue_refund_count",
]);
const CHAT_AND_RATINGS: ReadonlySet<MetricDef["kind"]> = new Set([
  "reply_consumer_day",
  "avg_response_seconds",
  "first_response_sessions",
  "rating_share",
  "rating_score_mean",
  "imputed_response_mean",
  "buyer_reply_rate",
  "jd_service_score",
]);

/**
 * Whose items a metric counts: the entity an exclusion must name to take an item out of it. The two kinds
 * measured on either side by their parameters: a late clock from payment and a refund in transit are the
 * order's; a late clock from a request and a refund after the return the after-sale's.
 */
export function itemOwner(def: MetricDef): "order" | "aftersale" | "consumer" {
  if (CHAT_AND_RATINGS.has(def.kind)) return "consumer";
  if (AFTERSALE_FLOW.has(def.kind)) return "aftersale";
  if (def.kind === "late_clock_mean") return def.params.from === "requested" ? "aftersale" : "order";
  if (def.kind === "refund_duration_mean") return def.params.from === "return_signed" ? "aftersale" : "order";
  return "order";
}

const covers = (x: RefExclusion, name: string) => x.metrics === undefined || x.metrics.includes(name);

/** The scopes applied. */
export const APPLIED_SCOPES: ReadonlySet<ExclusionScope> = new Set(["order", "aftersale", "consumer", "session"]);

/** The kinds whose items are sessions, each named by the moment it opened (5 above). */
const SESSION_KINDS: ReadonlySet<MetricDef["kind"]> = new Set([
  "avg_response_seconds",
  "first_response_sessions",
  "rating_share",
  "rating_score_mean",
]);

/** The moment a session's id names: an ISO-8601 date-time with seconds and an offset (or Z); nothing else names one. */
export function momentOfSession(id: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(id);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, sign, oh, om] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number((frac ?? "0").padEnd(3, "0")));
  const offset = sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return Number.isFinite(local) ? local - offset : undefined;
}

/** Whether an exclusion reaches a metric's items: its scope owns them, or it is a session and they are sessions. */
export function reachesMetric(x: RefExclusion, def: MetricDef): boolean {
  return x.scope === "session" ? SESSION_KINDS.has(def.kind) : x.scope === itemOwner(def);
}

/** The facts a metric is measured on, with the items of the given exclusions taken out (the same facts when none apply). */
export function factsWithout(facts: ShopFacts, name: string, def: MetricDef, exclusions: readonly RefExclusion[]): ShopFacts {
  const owner = itemOwner(def);
  const sessions = SESSION_KINDS.has(def.kind) ? exclusions.filter((x) => x.scope === "session" && covers(x, name)) : [];
  const out = exclusions.filter((x) => x.scope === owner && covers(x, name)).map((x) => x.itemId);
  if (out.length === 0 && sessions.length === 0) return facts;
  let base = facts;
  if (sessions.length > 0) {
    const sessionsOut = new Map<string, Set<number>>();
    for (const x of sessions) {
      const at = momentOfSession(x.itemId);
      if (at === undefined || x.consumerId === undefined) continue;
      sessionsOut.set(x.consumerId, new Set([...(sessionsOut.get(x.consumerId) ?? []), at]));
    }
    base = { ...facts, sessionsOut };
  }
  if (out.length === 0) return base;
  facts = base;
  const gone = new Set(out);
  if (owner === "consumer") return { ...facts, consumers: new Map([...facts.consumers].filter(([id]) => !gone.has(id))) };
  if (owner === "aftersale") return { ...facts, aftersales: new Map([...facts.aftersales].filter(([id]) => !gone.has(id))) };
  return {
    ...facts,
    orders: new Map([...facts.orders].filter(([id]) => !gone.has(id))),
    aftersales: new Map([...facts.aftersales].filter(([, list]) => !gone.has(orderOfAftersale(list) ?? ""))),
  };
}

/** The metric's exclusions leave its numerator only (the shop's configuration, else the pack; a ratio counting bad items). */
export function numeratorOnly(def: MetricDef, shop: { exclusionLeaves?: "both" | "numerator" } | undefined): boolean {
  const leaves = shop?.exclusionLeaves ?? def.exclusionLeaves ?? "both";
  return leaves === "numerator" && def.unit === "ratio" && def.direction === "max";
}
