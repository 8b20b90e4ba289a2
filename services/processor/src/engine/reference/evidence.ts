import { toMillis, type CanonicalEvent, type EvidenceOutcome, type ExclusionScope, type Platform } from "@sg/events";
import { durationMs, hhmmMinutes, type DefOf, type MetricDef, type MetricKind, type RulePack } from "@sg/rules";
import { dayStart, windowRange, type Range } from "../calendar.js";
import { merchantWaits } from "./aftersale-rules.js";
import { sessionsOf, waitsOf } from "./chat-rules.js";
import { all, first, last, orderOfAftersale, shopFacts, type Fact, type ShopFacts } from "./facts.js";
import { metricCalendar, type MetricCalendar, type ReferenceCalendars } from "./calendar-rules.js";
import { exclusionsOf, itemOwner, momentOfSession, reachesMetric } from "./exclusion-rules.js";

/**
 * The evidence API's items (docs/evidence.md) restated from metrics.md on the shop's facts, independently of
 * engine/evidence: which items of each metric are in its window at `asOf`, with their outcome and the day they
 * count on. Kinds not restated yet are `null` (the comparison covers the others and says which).
 *
 * Conventions of docs/evidence.md: a yes/no item is good when it is on the metric's good side (a hit of a
 * `min` metric, a miss of a `max` one); a mean's item is bad when its own value is past the metric's line
 * (threshold, else target); a pending item counts on the day of its deadline (orders, after-sales) or of its
 * opening (chat); a consumer excluded by `consumer.excluded` has each chat and rating item `excluded`.
 */
export interface RefItem {
  scope: ExclusionScope;
  id: string;
  consumerId?: string;
  outcome: EvidenceOutcome;
  countsOn: number;
}

interface Ctx {
  facts: ShopFacts;
  asOf: number;
  window: Range;
  /** The metric's calendar (calendar-rules.ts): an item's deadline where an extension covers its opening. */
  cal?: MetricCalendar;
}

/** An item's deadline: the calendar's extension for a wait opening at `open`, else the pack's `base`. */
const deadlineOf = (ctx: Ctx, open: number, base: number, kind?: string) => ctx.cal?.deadline(open, base, kind) ?? base;

type Lister<K extends MetricKind> = ((def: DefOf<K>, ctx: Ctx) => RefItem[]) | null;

const inWindow = (t: number | undefined, w: Range): t is number => t !== undefined && t >= w.start && t < w.end;
const inHours = (t: number, [from, to]: readonly [string, string]) => {
  const minute = (t - dayStart(t)) / 60_000;
  return minute >= hhmmMinutes(from) && minute < hhmmMinutes(to);
};
const good = (def: MetricDef, hit: boolean): EvidenceOutcome => (hit === (def.direction === "min") ? "good" : "bad");
const pastLine = (def: MetricDef, v: number): EvidenceOutcome => {
  const line = def.threshold ?? def.target;
  if (line === null) return "good";
  return (def.direction === "max" ? v > line : v < line) ? "bad" : "good";
};
const sessionId = (open: number) =>
  new Date(open + 8 * 3_600_000).toISOString().slice(0, 19) +
  (open % 1000 === 0 ? "" : `.${String(open % 1000).padStart(3, "0")}`) +
  "+08:00";

function byOrder(facts: ShopFacts): Map<string, Fact[][]> {
  const out = new Map<string, Fact[][]>();
  for (const list of facts.aftersales.values()) {
    const o = orderOfAftersale(list);
    if (o !== undefined) out.set(o, [...(out.get(o) ?? []), list]);
  }
  return out;
}

const LISTERS: { [K in MetricKind]: Lister<K> } = {
  pickup_rate(def, ctx) {
    const { facts, asOf, window } = ctx;
    const within = durationMs(def.params.deadline);
    const out: RefItem[] = [];
    for (const [id, list] of facts.orders) {
      const paid = first(list, "order.paid");
      const e = paid?.event;
      if (!paid || e?.presale === true || e?.custom === true || e?.noShipment === true) continue;
      const deadline = paid.at + deadlineOf(ctx, paid.at, within);
      const pickup = first(list, "logistics.picked_up")?.at;
      const cancel = first(list, "order.cancelled")?.at;
      if (cancel !== undefined && cancel < deadline && (pickup === undefined || cancel < pickup)) continue;
      if (pickup !== undefined && pickup <= deadline) {
        if (inWindow(pickup, window)) out.push({ scope: "order", id, outcome: good(def, true), countsOn: pickup });
      } else if (deadline <= asOf) {
        if (inWindow(deadline, window)) out.push({ scope: "order", id, outcome: good(def, false), countsOn: deadline });
      } else out.push({ scope: "order", id, outcome: "pending", countsOn: deadline });
    }
    return out;
  },
  delivery_hours(def, { facts, window }) {
    const out: RefItem[] = [];
    for (const [id, list] of facts.orders) {
      const signed = first(list, "logistics.signed")?.at;
      const pickup = first(list, "logistics.picked_up")?.at;
      if (!inWindow(signed, window) || pickup === undefined) continue;
      out.push({ scope: "order", id, outcome: pastLine(def, (signed - pickup) / 3_600_000), countsOn: signed });
    }
    return out;
  },
  intervention_rate(def, { facts, window }) {
    const orders = byOrder(facts);
    const out: RefItem[] = [];
    for (const [id, list] of facts.orders) {
      const paid = first(list, "order.paid")?.at;
      if (!inWindow(paid, window)) continue;
      const hit = (orders.get(id) ?? []).some((a) => first(a, "aftersale.platform_intervened") !== undefined);
      out.push({ scope: "order", id, outcome: good(def, hit), countsOn: paid });
    }
    return out;
  },
  platform_help_rate(def, { facts, window }) {
    const orders = byOrder(facts);
    const out: RefItem[] = [];
    for (const [id, list] of facts.orders) {
      const paid = first(list, "order.paid")?.at;
      if (!inWindow(paid, window)) continue;
      const liable = (orders.get(id) ?? []).some((a) => {
        const r = last(a, "aftersale.arbitrated");
        return r !== undefined && (def.params.liable as readonly string[]).includes(r.event.liability);
      });
      out.push({ scope: "order", id, outcome: good(def, first(list, "complaint.filed") !== undefined || liable), countsOn: paid });
    }
    return out;
  },
  dispute_rate(def, { facts, window }) {
    const out: RefItem[] = [];
    for (const [id, list] of facts.aftersales) {
      const done = first(list, "aftersale.completed")?.at;
      if (!inWindow(done, window)) continue;
      const r = last(list, "aftersale.arbitrated");
      out.push({
        scope: "aftersale",
        id,
        outcome: good(def, r !== undefined && (def.params.liable as readonly string[]).includes(r.event.liability)),
        countsOn: done,
      });
    }
    return out;
  },
  overdue_refund_count(def, ctx) {
    const { facts, asOf, window } = ctx;
    const within = durationMs(def.params.deadline);
    const out: RefItem[] = [];
    for (const [id, list] of facts.aftersales) {
      const w = merchantWaits(list)[0];
      if (!w) continue;
      const deadline = w.open + deadlineOf(ctx, w.open, within, first(list, "aftersale.requested")?.event.kind);
      if (w.end !== undefined ? w.end > deadline : deadline <= asOf) {
        if (inWindow(deadline, window)) out.push({ scope: "aftersale", id, outcome: "bad", countsOn: deadline });
      } else if (w.end === undefined) out.push({ scope: "aftersale", id, outcome: "pending", countsOn: deadline });
      else if (inWindow(w.end, window)) out.push({ scope: "aftersale", id, outcome: "good", countsOn: w.end });
    }
    return out;
  },
  reply_consumer_day(def, ctx) {
    const { facts, asOf, window } = ctx;
    const deadline = (open: number) => deadlineOf(ctx, open, durationMs(def.params.deadline));
    const out: RefItem[] = [];
    for (const [id, list] of facts.consumers) {
      const counted = waitsOf(list).filter((w) => inWindow(w.open, window) && inHours(w.open, def.params.serviceHours));
      if (counted.length === 0) continue;
      const missed = counted.some((w) => (w.end === undefined ? w.open + deadline(w.open) <= asOf : w.end > w.open + deadline(w.open)));
      const open = counted.some((w) => w.end === undefined);
      out.push({ scope: "consumer", id, outcome: missed ? "bad" : open ? "pending" : "good", countsOn: counted[0]!.open });
    }
    return out;
  },
  first_response_sessions(def, ctx) {
    const { facts, asOf, window } = ctx;
    const within = (open: number) => deadlineOf(ctx, open, durationMs(def.params.responseWithin));
    const out: RefItem[] = [];
    for (const [consumerId, list] of facts.consumers)
      for (const s of sessionsOf(list, durationMs(def.params.sessionGap), within)) {
        if (!inWindow(s.open, window) || !inHours(s.open, def.params.serviceHours)) continue;
        const outcome = s.answeredWithin
          ? good(def, true)
          : s.open + within(s.open) <= asOf || answeredLate(list, s.open)
            ? good(def, false)
            : "pending";
        out.push({ scope: "session", id: sessionId(s.open), consumerId, outcome, countsOn: s.open });
      }
    return out;
  },
  avg_response_seconds(def, { facts, asOf, window }) {
    const cap = durationMs(def.params.cap);
    const out: RefItem[] = [];
    for (const [consumerId, list] of facts.consumers)
      for (const w of waitsOf(list)) {
        if (!inWindow(w.open, window) || !inHours(w.open, def.params.serviceHours)) continue;
        const outcome =
          w.end === undefined && w.open + cap > asOf ? "pending" : pastLine(def, Math.min((w.end ?? asOf) - w.open, cap) / 1000);
        out.push({ scope: "session", id: sessionId(w.open), consumerId, outcome, countsOn: w.open });
      }
    return out;
  },
  rating_share(def, { facts, window }) {
    const out: RefItem[] = [];
    for (const [consumerId, list] of facts.consumers)
      for (const r of all(list, "chat.rated")) {
        const card = toMillis(r.event.cardSentAt);
        if (r.event.robot === true || !inWindow(card, window) || !def.params.ratings.includes(r.event.rating)) continue;
        if (def.params.serviceHours && !inHours(card, def.params.serviceHours)) continue;
        out.push({
          scope: "session",
          id: sessionId(card),
          consumerId,
          outcome: good(def, def.params.good.includes(r.event.rating)),
          countsOn: card,
        });
      }
    return out;
  },
  first_review_rate: null,
  quality_return_rate: null,
  shipping_feedback_rate: null,
  aftersale_rejection_rate: null,
  aftersale_awaiting_hours: null,
  stalled_shipments: null,
  business_time_rate: null,
  ever_state_rate: null,
  jd_service_score: null,
  review_score_mean: null,
  rating_score_mean: null,
  late_clock_mean: null,
  imputed_response_mean: null,
  escalation_rate: null,
  paid_order_count: null,
  promise_kept_rate: null,
  buyer_reply_rate: null,
  refund_duration_mean: null,
};

/** A session answered after its line is decided (bad) even before the line passes. */
function answeredLate(list: readonly Fact[], open: number): boolean {
  return all(list, "chat.message").some(
    (m) => m.at >= open && (m.event.sender === "agent" || (m.event.sender === "robot" && m.event.assist === true)),
  );
}

const REGIONAL = { extend: true, regions: true };

/**
 * docs/calendars.md items 3 and 5: an item counting on a suspended day, or an order of pickup_rate or
 * delivery_hours shipped from or to an excluded region on that day, is left out (listed as excluded).
 */
function leftOutByCalendar(cal: MetricCalendar, kind: MetricKind, it: RefItem, facts: ShopFacts): boolean {
  if (cal.suspended(it.countsOn)) return true;
  if (it.scope !== "order" || (kind !== "pickup_rate" && kind !== "delivery_hours")) return false;
  const paid = first(facts.orders.get(it.id) ?? [], "order.paid")?.event;
  return paid !== undefined && cal.regionExcluded(it.countsOn, paid.shipFromRegion, paid.shipToRegion);
}

/** Which kinds the reference restates. */
export const REFERENCE_EVIDENCE_KINDS = (Object.keys(LISTERS) as MetricKind[]).filter((k) => LISTERS[k] !== null);

/**
 * Each restated metric's items at `asOf` (metric name → items, in no order); metrics of kinds not restated are
 * absent. Chat items of a consumer excluded by `consumer.excluded` are listed as `excluded`.
 */
export function referenceEvidence(input: {
  events: readonly CanonicalEvent[];
  asOf: number;
  pack: RulePack;
  /** The configuration's calendars and the shop they are read for (docs/calendars.md); absent: none. */
  calendars?: { calendars: ReferenceCalendars | undefined; shop: { platform: Platform; shopId: string } };
}): Map<string, RefItem[]> {
  const { asOf, pack } = input;
  const facts = shopFacts(input.events, asOf);
  // The excluded consumers' facts, as if not excluded: their items are listed, marked excluded.
  const unexcluded = shopFacts(
    input.events.filter((e) => e.type !== "consumer.excluded"),
    asOf,
  );
  const everyone: ShopFacts = { ...facts, consumers: unexcluded.consumers };
  // Approved exclusions (exclusion-rules.ts): the items of the entity they name are listed as excluded.
  const approved = exclusionsOf(input.events, asOf).filter((x) => x.state === "approved");
  const out = new Map<string, RefItem[]>();
  for (const [name, def] of Object.entries(pack.metrics)) {
    const lister = LISTERS[def.kind] as Lister<MetricKind>;
    if (lister === null) continue;
    const c = input.calendars;
    const cal = c === undefined ? undefined : metricCalendar(c.calendars, c.shop, name, asOf, def.kind === "buyer_reply_rate", REGIONAL);
    const items = lister(def, { facts: everyone, asOf, window: windowRange(def.window, asOf), ...(cal ? { cal } : {}) });
    out.set(
      name,
      items.map((it) => {
        const entity = it.consumerId !== undefined ? { scope: "consumer", id: it.consumerId } : { scope: it.scope, id: it.id };
        const appealed = approved.some(
          (x) =>
            (x.metrics === undefined || x.metrics.includes(name)) &&
            (x.scope === "session"
              ? reachesMetric(x, def) &&
                it.scope === "session" &&
                x.consumerId === it.consumerId &&
                momentOfSession(x.itemId) === it.countsOn
              : x.scope === itemOwner(def) && x.scope === entity.scope && x.itemId === entity.id),
        );
        return appealed ||
          ((it.consumerId !== undefined || it.scope === "consumer") && facts.excluded.has(it.consumerId ?? it.id)) ||
          (cal !== undefined && leftOutByCalendar(cal, def.kind, it, facts))
          ? { ...it, outcome: "excluded" as const }
          : it;
      }),
    );
  }
  return out;
}
