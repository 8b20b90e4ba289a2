import type { CanonicalEvent, Platform } from "@sg/events";
import { mulberry32, RATINGS } from "./random-events.js";
import { exclusionsOf } from "./model-exclusions.js";

/**
 * Random streams that exercise every metric, for the model test: the incremental engine against the pure
 * full-history engine. Unlike random-events.ts, the chat happens on the evaluated day (and a few days
 * before) inside the platforms' service hours, replies are good, missed and late in similar shares, orders
 * and after-sales span ~35 days, exclusions come days after the chat, facts compete (`compete`), and a
 * delivery plan lets the clock move while events arrive. Each entity draws from its own seed, so a
 * shrinker that drops one entity leaves the others unchanged. Not used by production code.
 */

const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;

export interface ModelStreamSpec {
  platform: Platform;
  shopId: string;
  /** Start of the evaluated day (Asia/Shanghai midnight), epoch ms. */
  dayStartMs: number;
  /** One seed per consumer, per order. */
  consumers: number[];
  orders: number[];
  /** Share of rounds the agent answers in time (0..1): shops that answer well and shops that do not. */
  goodReplies?: number;
  /**
   * How often facts compete (0..1; 0, the default, adds nothing): orders with several after-sales, rival
   * facts of one entity (a re-sent request, payment or review, a changed decision or ruling, a second
   * completion, a cancel before the first action), consumers with several conversations on several days and
   * re-entries into the human stage. A rival that happened before the fact it competes with arrives after
   * it (ModelStream.late), so it changes a "first" that was already counted. Drawn from a random stream of
   * its own: the facts of the same seeds without competition stay the same.
   */
  compete?: number;
  /** Share of entities with an appeal or exemption (model-exclusions.ts; 0, the default, adds none). */
  exclusions?: number;
}

export interface ModelStream {
  events: CanonicalEvent[];
  /** The final evaluation time: late on the evaluated day, at or after every event. */
  asOf: number;
  /** Event id → the earliest moment it may arrive: facts that happened before a rival and arrive after it. */
  late: Map<string, number>;
}

type Rnd = () => number;
const between = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));

/** Pushes an event at `at` (dropped after asOf: false); `arrivesAfter` marks it late (ModelStream.late). */
type Push = (at: number, body: Record<string, unknown>, arrivesAfter?: number) => boolean;

/** The competition's own draws: `chance(p)` is true with probability p × compete, and never when compete is 0. */
interface Rivals {
  rnd: Rnd;
  chance: (p: number) => boolean;
}

function rivalsOf(seed: number, compete: number): Rivals | undefined {
  if (compete <= 0) return undefined;
  const rnd = mulberry32(seed ^ 0x2545f491);
  return { rnd, chance: (p) => rnd() < p * compete };
}

export function modelStream(s: ModelStreamSpec): ModelStream {
  const asOf = s.dayStartMs + 23 * H + 50 * MIN;
  const out: CanonicalEvent[] = [];
  const late = new Map<string, number>();
  const base = { platform: s.platform, shopId: s.shopId };
  let n = 0;
  const push: Push = (at, body, arrivesAfter) => {
    if (at > asOf) return false;
    const id = `e${n++}`;
    out.push({ id, ...base, at, ...body } as unknown as CanonicalEvent);
    if (arrivesAfter !== undefined && arrivesAfter > at) late.set(id, arrivesAfter);
    return true;
  };
  const compete = s.compete ?? 0;
  s.consumers.forEach((seed, c) =>
    chatOf(mulberry32(seed), rivalsOf(seed, compete), `u${c}`, s, asOf, push, mulberry32(seed ^ 0x68e31da4)),
  );
  s.orders.forEach((seed, i) =>
    orderOf(mulberry32(seed ^ 0x5bd1e995), rivalsOf(seed ^ 0x5bd1e995, compete), i, s, asOf, push, mulberry32(seed ^ 0x1b873593)),
  );
  // The moments each consumer's session-like items may open at: its messages and rating cards (session exclusions).
  const sessionMoments = new Map<string, number[]>();
  for (const e of out) {
    const x = e as unknown as { type: string; consumerId?: string; sender?: string; cardSentAt?: number; at: number };
    const at = x.type === "chat.message" && x.sender === "consumer" ? x.at : x.type === "chat.rated" ? x.cardSentAt : undefined;
    if (at !== undefined && x.consumerId !== undefined) sessionMoments.set(x.consumerId, [...(sessionMoments.get(x.consumerId) ?? []), at]);
  }
  // Score bonuses and deductions (docs/scores.md "Bonuses and deductions as events"): from a seed of their own.
  if (s.orders.length > 0) scoreEventsOf(mulberry32(s.orders[0]! ^ 0x3c6ef372), asOf, push);
  exclusionsOf(
    {
      platform: s.platform,
      seed: s.orders[0] ?? s.consumers[0] ?? 0,
      share: s.exclusions ?? 0,
      asOf,
      orders: s.orders.length,
      consumers: s.consumers.length,
      sessions: (c) => sessionMoments.get(`u${c}`) ?? [],
    },
    push,
  );
  out.sort((a, b) => Number(a.at) - Number(b.at));
  return { events: out, asOf, late };
}

/**
 * Bonus grants and violation deductions around the deduction window's edge (up to 40 days back): some re-sent
 * with the same id and other values, a little earlier, arriving late (the first by time wins); revocations
 * before, inside and after a grant's interval, some arriving before what they revoke; bonus ids and parts the
 * packs do not declare (applied and ignored); shares on both sides of 20%. Ids are the platform's, one per
 * grant or violation: a re-sent event comes within days of the first, never a month later.
 */
function scoreEventsOf(rnd: Rnd, asOf: number, push: Push): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const BONUSES = [
    "next_day_delivery",
    "freight_insurance",
    "bulky_freight_insurance",
    "home_installation",
    "gold_agent_share",
    "unknown_bonus",
  ];
  const PARTS = ["fake_trades", "consumer_harm", "consumer_harm", "unknown_part"];
  const grants = Math.floor(rnd() * 4);
  for (let k = 0; k < grants; k++) {
    const grantId = `g${k}`;
    const from = asOf - between(rnd, 0, 40 * DAY);
    const body = (): Record<string, unknown> => {
      const b: Record<string, unknown> = {
        type: "score.bonus_granted",
        grantId,
        bonus: pick(BONUSES),
        validFrom: from + between(rnd, -DAY, DAY),
      };
      if (rnd() < 0.5) b.validTo = from + between(rnd, H, 35 * DAY);
      if (rnd() < 0.6) b.share = Math.round(rnd() * 40) / 100;
      return b;
    };
    const at = Math.min(from + between(rnd, -2 * DAY, 2 * DAY), asOf);
    push(at, body());
    // A rival grant of the same id, earlier, arriving after the first: it wins.
    if (rnd() < 0.25) push(at - between(rnd, 1, 2 * DAY), body(), at + between(rnd, MIN, DAY));
    if (rnd() < 0.35) {
      const r = Math.min(from + between(rnd, -3 * DAY, 30 * DAY), asOf);
      push(r, { type: "score.bonus_revoked", grantId });
    }
  }
  // Up to 7: enough points, often, to pass the cap of 10 in the window.
  const deductions = Math.floor(rnd() * 8);
  for (let k = 0; k < deductions; k++) {
    const violationId = `v${k}`;
    // Often right at a day's start or end: the window's first day counts, the day before does not.
    const day = asOf - between(rnd, 0, 40) * DAY;
    const at = rnd() < 0.3 ? day - ((day + 8 * H) % DAY) + (rnd() < 0.5 ? 0 : DAY - 1) : day - between(rnd, 0, 20 * H);
    if (at > asOf) continue;
    const body = () => ({ type: "score.deducted", violationId, part: pick(PARTS), points: pick([1, 2, 2.5, 3, 5, 6, 6, 0.01]) });
    push(at, body(), rnd() < 0.3 ? Math.min(asOf, at + between(rnd, MIN, 3 * DAY)) : undefined);
    if (rnd() < 0.25) push(at - between(rnd, 1, DAY), body(), Math.min(asOf, at + between(rnd, MIN, DAY)));
    if (rnd() < 0.35) push(Math.min(at + between(rnd, -DAY, 10 * DAY), asOf), { type: "score.deduction_revoked", violationId });
  }
}

/** `late`: a stream of its own for the rating's late answer (the facts of the same seeds stay the same otherwise). */
function chatOf(rnd: Rnd, x: Rivals | undefined, consumerId: string, s: ModelStreamSpec, asOf: number, push: Push, late: Rnd): void {
  // Mostly the evaluated day; some the days before (intermediate evaluations see those days).
  const r0 = rnd();
  const day = s.dayStartMs - (r0 < 0.7 ? 0 : r0 < 0.85 ? 1 : r0 < 0.95 ? 2 : 3) * DAY;
  // Inside service hours mostly; some before 09:00 (outside JD's hours) and near the end of the day.
  const r1 = rnd();
  const start =
    day +
    (r1 < 0.85 ? between(rnd, 9 * H, 22 * H) : r1 < 0.93 ? between(rnd, 7 * H + 30 * MIN, 9 * H) : between(rnd, 22 * H, 23 * H + 20 * MIN));
  const end = conversationOf(rnd, x, consumerId, s, start, push, late);
  if (rnd() < 0.12) push(Math.min(asOf, start + between(rnd, 10 * MIN, 3 * DAY)), { type: "consumer.excluded", consumerId });
  if (!x?.chance(0.6)) return;
  // More conversations of the same consumer: a re-entry minutes after, on the days before (the human stage
  // left open there keeps a wait open across days: compaction must keep it), or late at night into the next day.
  const more = 1 + Math.floor(x.rnd() * 3);
  let last = end;
  for (let k = 0; k < more; k++) {
    const r = x.rnd();
    const at =
      r < 0.35
        ? last + between(x.rnd, 2 * MIN, 60 * MIN)
        : r < 0.7
          ? start - between(x.rnd, 1, 5) * DAY + between(x.rnd, -3 * H, 3 * H)
          : dayStartOf(start, s) - between(x.rnd, 0, 3) * DAY + between(x.rnd, 22 * H + 30 * MIN, 23 * H + 55 * MIN);
    const e = conversationOf(x.rnd, x, consumerId, s, at, push, late);
    if (r < 0.35) last = e;
  }
}

/** Asia/Shanghai midnight of the day holding `t` (the spec's days start at midnight). */
function dayStartOf(t: number, s: ModelStreamSpec): number {
  return s.dayStartMs + Math.floor((t - s.dayStartMs) / DAY) * DAY;
}

/** One conversation from `start`: a transfer, rounds of consumer messages and replies, a close, a rating. Returns its end. */
function conversationOf(
  rnd: Rnd,
  x: Rivals | undefined,
  consumerId: string,
  s: ModelStreamSpec,
  start: number,
  push: Push,
  k: Rnd,
): number {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let t = start;
  if (rnd() < 0.85) push(t, { type: "chat.transferred", consumerId });
  // A transfer a little before the first message, arriving after it: the message enters the human stage late.
  else if (x?.chance(0.4)) push(t - between(x.rnd, 0, 5 * MIN), { type: "chat.transferred", consumerId }, t + between(x.rnd, 1_000, 2 * H));
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < rounds; k++) {
    const msgs = 1 + Math.floor(rnd() * 2);
    for (let m = 0; m < msgs; m++) {
      push(t, { type: "chat.message", consumerId, sender: "consumer" });
      t += between(rnd, 1_000, 40_000);
    }
    const good = s.goodReplies ?? 0.4;
    const reply = rnd();
    if (reply < good) {
      // Good: within 30 s (JD) or within 3 minutes.
      t += rnd() < 0.5 ? between(rnd, 1_000, 29_000) : between(rnd, 31_000, 170_000);
      push(t, { type: "chat.message", consumerId, sender: "agent" });
    } else if (reply < good + (1 - good) * 0.42) {
      // Late: after the deadline, often after the platform's cap too.
      t += between(rnd, 185_000, 15 * MIN);
      push(t, { type: "chat.message", consumerId, sender: "agent" });
    } else if (reply < good + (1 - good) * 0.64) {
      t += between(rnd, 2_000, 60_000);
      push(t, { type: "chat.message", consumerId, sender: "robot", ...(rnd() < 0.5 ? { assist: true } : {}) });
    } else if (x?.chance(0.3)) {
      // A missed round's reply that happened in time but arrives hours later.
      const at = t + between(x.rnd, 1_000, 60_000);
      push(at, { type: "chat.message", consumerId, sender: "agent" }, at + between(x.rnd, H, 30 * H));
    }
    // else missed: no reply this round
    t += rnd() < 0.6 ? between(rnd, 30_000, 9 * MIN) : between(rnd, 11 * MIN, 40 * MIN);
    if (k < rounds - 1 && x?.chance(0.25)) {
      // Leaves the human stage and re-enters it; a message in between is outside it.
      push(t, { type: "chat.closed", consumerId });
      t += between(x.rnd, MIN, 20 * MIN);
      if (x.rnd() < 0.5) push(t, { type: "chat.message", consumerId, sender: "consumer" });
      t += between(x.rnd, 1_000, 10 * MIN);
      push(t, { type: "chat.transferred", consumerId });
    }
  }
  if (rnd() < 0.4) push(t + between(rnd, 0, 10 * MIN), { type: "chat.closed", consumerId });
  if (rnd() < 0.65) {
    const cardSentAt = t + between(rnd, 0, 5 * MIN);
    // Some cards are answered days later: the card's day, not the answer's, decides (rating kinds by cardSentAt).
    const lateAnswer = k() < 0.2 ? between(k, DAY, 4 * DAY) : 0;
    push(cardSentAt + between(rnd, 1_000, 30 * MIN) + lateAnswer, {
      type: "chat.rated",
      consumerId,
      rating: pick(RATINGS[s.platform]),
      cardSentAt,
      ...(rnd() < 0.15 ? { robot: true } : {}),
    });
  }
  return t;
}

/**
 * Districts orders ship from and to (GB/T 2260), some within the same province (42, Hubei) or city (4201,
 * Wuhan), so a calendar's province, city and district entries (model-calendars.ts) each cover some of them.
 */
export const MODEL_REGIONS = ["420106", "420102", "420302", "440305", "440106", "310101", "110105"] as const;

/** An order's regions: none, one of the two, or both (calendars' exclude_regions, docs/calendars.md). */
function regionsOf(k: Rnd): { shipFromRegion?: string; shipToRegion?: string } {
  const pick = () => MODEL_REGIONS[Math.floor(k() * MODEL_REGIONS.length)]!;
  const r = k();
  if (r < 0.3) return {};
  if (r < 0.45) return { shipToRegion: pick() };
  if (r < 0.55) return { shipFromRegion: pick() };
  return { shipFromRegion: pick(), shipToRegion: pick() };
}

/**
 * `k` draws the optional fields the 2026 kinds read (a review's 1–5 `score`, the carrier's `promisedSignBy`)
 * from a stream of its own, so the facts the seed packs read stay those of the same seeds.
 */
function orderOf(rnd: Rnd, x: Rivals | undefined, i: number, s: ModelStreamSpec, asOf: number, push: Push, k: Rnd): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const orderId = `o${i}`;
  const paid = asOf - between(rnd, 10 * MIN, 35 * DAY);
  const presale = rnd() < 0.15;
  const promised = rnd() < 0.3;
  push(paid, {
    type: "order.paid",
    orderId,
    ...(presale ? { presale: true } : {}),
    ...(promised ? { promisedShipBy: paid + 48 * H } : {}),
    ...regionsOf(k),
  });
  if (x?.chance(0.1)) {
    // A payment re-sent with other flags and regions, a little earlier, arriving after the first: the first by time decides.
    const at = paid - between(x.rnd, MIN, 3 * H);
    push(
      at,
      {
        type: "order.paid",
        orderId,
        ...(presale ? {} : { presale: true }),
        ...(x.rnd() < 0.5 ? { promisedShipBy: at + 24 * H } : {}),
        ...regionsOf(x.rnd),
      },
      paid + between(x.rnd, MIN, DAY),
    );
  }
  if (rnd() < 0.08) push(paid + between(rnd, MIN, 30 * H), { type: "order.cancelled", orderId });
  if (rnd() < 0.82) {
    const pickedUp = paid + (rnd() < 0.6 ? between(rnd, 10 * MIN, 24 * H) : between(rnd, 24 * H, 72 * H));
    if (rnd() < 0.4) push(pickedUp - between(rnd, MIN, 2 * H), { type: "order.shipped", orderId });
    // The carrier's promise (运单配送时效): most waybills carry one, a day to four after pickup; kept or missed.
    const promise = k() < 0.7 ? { promisedSignBy: pickedUp + between(k, DAY, 4 * DAY) } : {};
    if (push(pickedUp, { type: "logistics.picked_up", orderId, ...promise })) {
      const updates = Math.floor(rnd() * 3);
      for (let u = 0; u < updates; u++) push(pickedUp + between(rnd, H, 4 * DAY), { type: "logistics.updated", orderId });
      if (rnd() < 0.72) {
        // Mostly days; some long deliveries of weeks (their pickup falls out of the 30-day window).
        const signed = pickedUp + (rnd() < 0.85 ? between(rnd, 2 * H, 5 * DAY) : between(rnd, 5 * DAY, 25 * DAY));
        if (push(signed, { type: "logistics.signed", orderId }) && rnd() < 0.55) {
          const reviewed = signed + between(rnd, H, 4 * DAY);
          const rating = pick(["good", "good", "neutral", "bad"] as const);
          // Most reviews carry stars (商品综合评分, 店铺评价得分); some only a rating.
          const score = k() < 0.8 ? { score: 1 + Math.floor(k() * 5) } : {};
          if (push(reviewed, { type: "review.posted", orderId, rating, ...score }) && x?.chance(0.4)) {
            // A second review, other rating: before the first and arriving after it, or after it.
            const other = rating === "bad" ? "good" : "bad";
            if (x.rnd() < 0.6)
              push(
                between(x.rnd, signed, reviewed),
                { type: "review.posted", orderId, rating: other, score: 1 + Math.floor(k() * 5) },
                reviewed + between(x.rnd, MIN, DAY),
              );
            else
              push(reviewed + between(x.rnd, MIN, 2 * DAY), {
                type: "review.posted",
                orderId,
                rating: other,
                score: 1 + Math.floor(k() * 5),
              });
          }
        }
        // A second signature, earlier, arriving after the first.
        if (x?.chance(0.1))
          push(signed - between(x.rnd, MIN, 2 * H), { type: "logistics.signed", orderId }, signed + between(x.rnd, MIN, 12 * H));
      }
    }
  }
  const feedback = (r: Rnd) => {
    const from = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    push(paid + between(r, H, 6 * DAY), {
      type: "feedback.posted",
      orderId,
      issue: from(["shipping", "shipping", "other"] as const),
      reason: from(["slow_shipping", "not_shipped", "other"] as const),
    });
  };
  if (rnd() < 0.2) {
    feedback(rnd);
    if (x?.chance(0.3)) feedback(x.rnd);
  }
  if (rnd() < 0.08) push(paid + between(rnd, H, 6 * DAY), { type: "complaint.filed", orderId });
  const first = rnd() < 0.45 ? afterSaleOf(rnd, x, `as${i}`, orderId, paid, s.platform, push) : undefined;
  if (!x?.chance(0.5)) return;
  // More after-sales of the same order: the first by request time gives the reason, the last valid one decides.
  const more = 1 + Math.floor(x.rnd() * 2);
  for (let k = 1; k <= more; k++) {
    const arrivesAfter = first !== undefined && x.rnd() < 0.5 ? first + between(x.rnd, MIN, 2 * DAY) : undefined;
    afterSaleOf(mulberry32(Math.floor(x.rnd() * 2 ** 32)), x, `as${i}_${k}`, orderId, paid, s.platform, push, arrivesAfter);
  }
}

/** Pushes one after-sale's facts; returns its request time, or undefined when it falls after asOf. */
function afterSaleOf(
  rnd: Rnd,
  x: Rivals | undefined,
  afterSaleId: string,
  orderId: string,
  paid: number,
  platform: Platform,
  push: Push,
  requestArrivesAfter?: number,
): number | undefined {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const requestedAt = paid + between(rnd, 10 * MIN, 8 * DAY);
  let t = requestedAt;
  const request = (r: Rnd) => ({
    type: "aftersale.requested",
    afterSaleId,
    orderId,
    kind: (["refund_only", "return_refund", "exchange"] as const)[Math.floor(r() * 3)],
    reason: (["quality", "not_as_described", "damaged", "shipping", "no_reason", "other"] as const)[Math.floor(r() * 6)],
    afterShipment: r() < 0.6,
    ...(r() < 0.08 ? { overdueEntry: true } : {}),
  });
  const ok = push(t, request(rnd), requestArrivesAfter);
  if (!ok) return undefined;
  // The request re-sent with other fields, a little earlier, arriving after the first one.
  if (x?.chance(0.2)) push(t - between(x.rnd, MIN, 3 * H), request(x.rnd), t + between(x.rnd, MIN, DAY));
  const jd = platform === "jd";
  // JD counts 20 business minutes; the others count hours and days (PDD: 48 h).
  const gap = () =>
    jd
      ? rnd() < 0.7
        ? between(rnd, MIN, 40 * MIN)
        : between(rnd, H, 20 * H)
      : rnd() < 0.5
        ? between(rnd, 10 * MIN, 30 * H)
        : between(rnd, 30 * H, 4 * DAY);
  if (rnd() < 0.8) {
    const before = t;
    t += gap();
    const decision = rnd() < 0.75 ? "agree" : "refuse";
    push(t, { type: "aftersale.merchant_acted", afterSaleId, decision });
    const other = decision === "agree" ? "refuse" : "agree";
    if (x?.chance(0.35)) {
      // The merchant decides twice: the last by time counts. An earlier decision arrives after the later one.
      if (x.rnd() < 0.5)
        push(between(x.rnd, before, t), { type: "aftersale.merchant_acted", afterSaleId, decision: other }, t + between(x.rnd, MIN, DAY));
      else push((t += between(x.rnd, MIN, 2 * DAY)), { type: "aftersale.merchant_acted", afterSaleId, decision: other });
    }
    // The consumer cancelled before the merchant acted, known only later.
    if (x?.chance(0.12)) push(between(x.rnd, before, t), { type: "aftersale.cancelled", afterSaleId }, t + between(x.rnd, MIN, DAY));
  }
  if (jd) {
    if (rnd() < 0.7) {
      t += between(rnd, MIN, 3 * H);
      push(t, { type: "aftersale.ready_for_processing", afterSaleId });
      if (rnd() < 0.8) {
        t += gap();
        push(t, { type: "aftersale.processed", afterSaleId });
      }
    }
    if (rnd() < 0.25) push(t + between(rnd, MIN, 2 * DAY), { type: "aftersale.awaiting_customer", afterSaleId });
  }
  const returns = rnd() < 0.35 ? 1 + (x?.chance(0.3) ? 1 : 0) : 0;
  for (let r = 0; r < returns; r++) {
    t += between(rnd, H, 4 * DAY);
    push(t, { type: "aftersale.return_signed", afterSaleId });
  }
  if (rnd() < 0.18) {
    t += between(rnd, H, 3 * DAY);
    push(t, { type: "aftersale.platform_intervened", afterSaleId });
  }
  if (rnd() < 0.2) {
    const before = t;
    t += between(rnd, H, 3 * DAY);
    const liabilities = ["merchant", "merchant", "both", "consumer", "none"] as const;
    push(t, { type: "aftersale.arbitrated", afterSaleId, liability: pick(liabilities) });
    // A second ruling: the last by time counts; an earlier one arrives after it.
    if (x?.chance(0.4)) {
      const liability = liabilities[Math.floor(x.rnd() * liabilities.length)]!;
      if (x.rnd() < 0.5)
        push(between(x.rnd, before, t), { type: "aftersale.arbitrated", afterSaleId, liability }, t + between(x.rnd, MIN, DAY));
      else push((t += between(x.rnd, H, 2 * DAY)), { type: "aftersale.arbitrated", afterSaleId, liability });
    }
  }
  const end = rnd();
  if (end < 0.1) push(t + between(rnd, MIN, 2 * DAY), { type: "aftersale.cancelled", afterSaleId });
  else if (end < 0.75) {
    const done = t + between(rnd, 10 * MIN, 5 * DAY);
    const outcome = rnd() < 0.8 ? "refunded" : "closed";
    push(done, { type: "aftersale.completed", afterSaleId, outcome });
    // A second completion, earlier, arriving after the first: the earliest completion counts.
    if (x?.chance(0.15))
      push(
        between(x.rnd, t, done),
        { type: "aftersale.completed", afterSaleId, outcome: outcome === "refunded" ? "closed" : "refunded" },
        done + between(x.rnd, MIN, DAY),
      );
  }
  return requestedAt;
}

/**
 * One step of a delivery: apply a batch at `now`; apply two parts of a batch at once through two store
 * instances (one commit meets the other's and is refused, then recomputed); apply a batch while another
 * instance evaluates the shop; evaluate at `now`; or replace the store (a restart).
 */
export type DeliveryStep =
  | { kind: "apply"; now: number; events: CanonicalEvent[]; redelivered?: boolean }
  | { kind: "concurrent"; now: number; parts: [CanonicalEvent[], CanonicalEvent[]] }
  | { kind: "race"; now: number; events: CanonicalEvent[] }
  | { kind: "evaluate"; now: number }
  | { kind: "restart" };

export interface DeliveryOptions {
  /** Share of events delivered twice (identical copies). */
  dupRate?: number;
  /** Share of batches applied as two concurrent parts. */
  concurrent?: number;
  /** Share of batches applied while the shop is evaluated. */
  race?: number;
  /**
   * Share of events whose id another copy re-uses with a different body: another event's body, or the same
   * fact at another time. Whichever copy arrives first is the fact (events.md); the other changes nothing.
   */
  reuse?: number;
}

/**
 * Delivers the stream as a consumer would see it: each copy of an event (about 30% are delivered twice)
 * arrives at or after its time, some much later (exclusions always hours to days later, the stream's late
 * facts after the rival they compete with); the arrivals are cut into batches, each applied at a clock that
 * only moves forward; evaluations, redeliveries of a batch (a consumer that crashed before committing its
 * offset), restarts, concurrent applies and applies racing an evaluation fall between batches.
 */
export function deliveryPlan(stream: ModelStream, seed: number, o: DeliveryOptions = {}): DeliveryStep[] {
  const { dupRate = 0.3, concurrent = 0, race = 0, reuse = 0 } = o;
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  // Drawn from a stream of their own, so that a plan without re-used ids stays the same as before.
  const rr = mulberry32(seed ^ 0x68e31da4);
  const copies: { event: CanonicalEvent; arrival: number; tie: number }[] = [];
  for (const original of stream.events) {
    const n = rnd() < dupRate ? 2 : 1;
    let impostor: CanonicalEvent | undefined;
    if (reuse > 0 && rr() < reuse) {
      const donor = stream.events[Math.floor(rr() * stream.events.length)]!;
      const shifted = Math.min(stream.asOf, Number(original.at) + (rr() < 0.5 ? -1 : 1) * between(rr, 1000, 6 * H));
      impostor = donor !== original && rr() < 0.6 ? { ...donor, id: original.id } : { ...original, at: shifted };
    }
    for (let c = 0; c < n; c++) copies.push(arrivalOf(original, stream, rnd));
    if (impostor) copies.push(arrivalOf(impostor, stream, rr));
  }
  copies.sort((a, b) => a.arrival - b.arrival || a.tie - b.tie);
  const steps: DeliveryStep[] = [];
  let now = 0;
  for (let i = 0; i < copies.length;) {
    const size = 1 + Math.floor(rnd() * rnd() * 30);
    const batch = copies.slice(i, i + size);
    i += size;
    now = Math.max(now, ...batch.map((c) => c.arrival));
    const events = batch.map((c) => c.event);
    const mode = rnd();
    if (mode < concurrent && events.length >= 2) {
      const cut = 1 + Math.floor(rnd() * (events.length - 1));
      const parts: [CanonicalEvent[], CanonicalEvent[]] = [events.slice(0, cut), events.slice(cut)];
      // Two bodies of one id in the two parts: which is first depends on which commit wins, so apply them in order.
      steps.push(reusedAcross(parts) ? { kind: "apply", now, events } : { kind: "concurrent", now, parts });
    } else if (mode >= concurrent && mode < concurrent + race) steps.push({ kind: "race", now, events });
    else steps.push({ kind: "apply", now, events });
    if (rnd() < 0.08) steps.push({ kind: "apply", now, events, redelivered: true });
    if (rnd() < 0.04) steps.push({ kind: "restart" });
    if (rnd() < 0.45) {
      // The clock runs on between batches: timers fire before later arrivals.
      now = Math.min(stream.asOf, now + (rnd() < 0.5 ? between(rnd, 0, 5 * MIN) : between(rnd, 0, 6 * H)));
      steps.push({ kind: "evaluate", now });
    }
  }
  return steps;
}

/** One copy's arrival: at or after its time, mostly soon, some hours or days later (exclusions always). */
function arrivalOf(event: CanonicalEvent, stream: ModelStream, rnd: Rnd): { event: CanonicalEvent; arrival: number; tie: number } {
  const at = Number(event.at);
  const r = rnd();
  const delay =
    event.type === "consumer.excluded"
      ? between(rnd, H, 3 * DAY)
      : r < 0.5
        ? between(rnd, 0, 3_000)
        : r < 0.7
          ? between(rnd, 0, 20 * MIN)
          : r < 0.85
            ? between(rnd, 0, 12 * H)
            : between(rnd, 0, 3 * DAY);
  const notBefore = stream.late?.get(event.id);
  const arrival = notBefore === undefined ? at + delay : Math.max(at + delay, notBefore);
  return { event, arrival: Math.min(stream.asOf, arrival), tie: rnd() };
}

/** An id carried by both parts with different bodies. */
function reusedAcross(parts: [CanonicalEvent[], CanonicalEvent[]]): boolean {
  const first = new Map(parts[0].map((e) => [e.id, JSON.stringify(e)]));
  return parts[1].some((e) => first.has(e.id) && first.get(e.id) !== JSON.stringify(e));
}

/**
 * Runs a delivery plan in one thread, as the unit tests of the engine over maps do: every apply (a race is an
 * apply there, concurrent halves go one after the other), `compare` at every evaluation and at the stream's end.
 */
export function runDeliveryPlan(
  steps: readonly DeliveryStep[],
  asOf: number,
  apply: (events: CanonicalEvent[], now: number) => void,
  compare: (now: number, what: string) => void,
): void {
  for (const step of steps) {
    if (step.kind === "apply" || step.kind === "race") apply(step.events, step.now);
    else if (step.kind === "concurrent") {
      apply(step.parts[0], step.now);
      apply(step.parts[1], step.now);
    } else if (step.kind === "evaluate") compare(step.now, "evaluation");
  }
  compare(asOf, "final evaluation");
}
