import type { CanonicalEvent, Platform } from "@sg/events";
import { mulberry32, RATINGS } from "./random-events.js";

/**
 * Random streams that exercise every metric, for the model test (issue 8 item 4): the incremental engine
 * against the pure full-history engine. Unlike random-events.ts, the chat happens on the evaluated day
 * (and a few days before) inside the platforms' service hours, replies are good, missed and late in
 * similar shares, orders and after-sales span ~35 days, exclusions come days after the chat, and a
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
  /** One seed per consumer-conversation, per order. */
  consumers: number[];
  orders: number[];
  /** Share of rounds the agent answers in time (0..1): shops that answer well and shops that do not. */
  goodReplies?: number;
}

export interface ModelStream {
  events: CanonicalEvent[];
  /** The final evaluation time: late on the evaluated day, at or after every event. */
  asOf: number;
}

type Rnd = () => number;
const between = (rnd: Rnd, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));

export function modelStream(s: ModelStreamSpec): ModelStream {
  const asOf = s.dayStartMs + 23 * H + 50 * MIN;
  const out: CanonicalEvent[] = [];
  const base = { platform: s.platform, shopId: s.shopId };
  let n = 0;
  const push = (at: number, body: Record<string, unknown>) => {
    if (at > asOf) return false;
    out.push({ id: `e${n++}`, ...base, at, ...body } as unknown as CanonicalEvent);
    return true;
  };
  s.consumers.forEach((seed, c) => chatOf(mulberry32(seed), `u${c}`, s, asOf, push));
  s.orders.forEach((seed, i) => orderOf(mulberry32(seed ^ 0x5bd1e995), i, s, asOf, push));
  out.sort((a, b) => Number(a.at) - Number(b.at));
  return { events: out, asOf };
}

type Push = (at: number, body: Record<string, unknown>) => boolean;

function chatOf(rnd: Rnd, consumerId: string, s: ModelStreamSpec, asOf: number, push: Push): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Mostly the evaluated day; some the days before (intermediate evaluations see those days).
  const r0 = rnd();
  const day = s.dayStartMs - (r0 < 0.7 ? 0 : r0 < 0.85 ? 1 : r0 < 0.95 ? 2 : 3) * DAY;
  // Inside service hours mostly; some before 09:00 (outside JD's hours) and near the end of the day.
  const r1 = rnd();
  let t =
    day +
    (r1 < 0.85 ? between(rnd, 9 * H, 22 * H) : r1 < 0.93 ? between(rnd, 7 * H + 30 * MIN, 9 * H) : between(rnd, 22 * H, 23 * H + 20 * MIN));
  const start = t;
  if (rnd() < 0.85) push(t, { type: "chat.transferred", consumerId });
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
    }
    // else missed: no reply this round
    t += rnd() < 0.6 ? between(rnd, 30_000, 9 * MIN) : between(rnd, 11 * MIN, 40 * MIN);
  }
  if (rnd() < 0.4) push(t + between(rnd, 0, 10 * MIN), { type: "chat.closed", consumerId });
  if (rnd() < 0.65) {
    const cardSentAt = t + between(rnd, 0, 5 * MIN);
    push(cardSentAt + between(rnd, 1_000, 30 * MIN), {
      type: "chat.rated",
      consumerId,
      rating: pick(RATINGS[s.platform]),
      cardSentAt,
      ...(rnd() < 0.15 ? { robot: true } : {}),
    });
  }
  if (rnd() < 0.12) push(Math.min(asOf, start + between(rnd, 10 * MIN, 3 * DAY)), { type: "consumer.excluded", consumerId });
}

function orderOf(rnd: Rnd, i: number, s: ModelStreamSpec, asOf: number, push: Push): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const orderId = `o${i}`;
  const paid = asOf - between(rnd, 10 * MIN, 35 * DAY);
  push(paid, {
    type: "order.paid",
    orderId,
    ...(rnd() < 0.15 ? { presale: true } : {}),
    ...(rnd() < 0.3 ? { promisedShipBy: paid + 48 * H } : {}),
  });
  if (rnd() < 0.08) push(paid + between(rnd, MIN, 30 * H), { type: "order.cancelled", orderId });
  if (rnd() < 0.82) {
    const pickedUp = paid + (rnd() < 0.6 ? between(rnd, 10 * MIN, 24 * H) : between(rnd, 24 * H, 72 * H));
    if (rnd() < 0.4) push(pickedUp - between(rnd, MIN, 2 * H), { type: "order.shipped", orderId });
    if (push(pickedUp, { type: "logistics.picked_up", orderId })) {
      const updates = Math.floor(rnd() * 3);
      for (let u = 0; u < updates; u++) push(pickedUp + between(rnd, H, 4 * DAY), { type: "logistics.updated", orderId });
      if (rnd() < 0.72) {
        // Mostly days; some long deliveries of weeks (their pickup falls out of the 30-day window).
        const signed = pickedUp + (rnd() < 0.85 ? between(rnd, 2 * H, 5 * DAY) : between(rnd, 5 * DAY, 25 * DAY));
        if (push(signed, { type: "logistics.signed", orderId }) && rnd() < 0.55) {
          push(signed + between(rnd, H, 4 * DAY), {
            type: "review.posted",
            orderId,
            rating: pick(["good", "good", "neutral", "bad"] as const),
          });
        }
      }
    }
  }
  if (rnd() < 0.2)
    push(paid + between(rnd, H, 6 * DAY), {
      type: "feedback.posted",
      orderId,
      issue: pick(["shipping", "shipping", "other"] as const),
      reason: pick(["slow_shipping", "not_shipped", "other"] as const),
    });
  if (rnd() < 0.08) push(paid + between(rnd, H, 6 * DAY), { type: "complaint.filed", orderId });
  if (rnd() < 0.45) afterSaleOf(rnd, `as${i}`, orderId, paid, s.platform, push);
}

function afterSaleOf(rnd: Rnd, afterSaleId: string, orderId: string, paid: number, platform: Platform, push: Push): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let t = paid + between(rnd, 10 * MIN, 8 * DAY);
  const ok = push(t, {
    type: "aftersale.requested",
    afterSaleId,
    orderId,
    kind: pick(["refund_only", "return_refund", "exchange"] as const),
    reason: pick(["quality", "not_as_described", "damaged", "shipping", "no_reason", "other"] as const),
    afterShipment: rnd() < 0.6,
    ...(rnd() < 0.08 ? { overdueEntry: true } : {}),
  });
  if (!ok) return;
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
    t += gap();
    push(t, { type: "aftersale.merchant_acted", afterSaleId, decision: rnd() < 0.75 ? "agree" : "refuse" });
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
  if (rnd() < 0.35) {
    t += between(rnd, H, 4 * DAY);
    push(t, { type: "aftersale.return_signed", afterSaleId });
  }
  if (rnd() < 0.18) {
    t += between(rnd, H, 3 * DAY);
    push(t, { type: "aftersale.platform_intervened", afterSaleId });
  }
  if (rnd() < 0.2) {
    t += between(rnd, H, 3 * DAY);
    push(t, { type: "aftersale.arbitrated", afterSaleId, liability: pick(["merchant", "merchant", "both", "consumer", "none"] as const) });
  }
  const end = rnd();
  if (end < 0.1) push(t + between(rnd, MIN, 2 * DAY), { type: "aftersale.cancelled", afterSaleId });
  else if (end < 0.75)
    push(t + between(rnd, 10 * MIN, 5 * DAY), { type: "aftersale.completed", afterSaleId, outcome: rnd() < 0.8 ? "refunded" : "closed" });
}

/** One step of a delivery: apply a batch at `now`, evaluate at `now`, or replace the store (a restart). */
export type DeliveryStep =
  { kind: "apply"; now: number; events: CanonicalEvent[]; redelivered?: boolean } | { kind: "evaluate"; now: number } | { kind: "restart" };

/**
 * Delivers the stream as a consumer would see it: each copy of an event (about 30% are delivered twice)
 * arrives at or after its time, some much later (exclusions always hours to days later); the arrivals are
 * cut into batches, each applied at a clock that only moves forward; evaluations, redeliveries of a batch
 * (a consumer that crashed before committing its offset) and restarts fall between batches.
 */
export function deliveryPlan(stream: ModelStream, seed: number, dupRate = 0.3): DeliveryStep[] {
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  const copies: { event: CanonicalEvent; arrival: number; tie: number }[] = [];
  for (const event of stream.events) {
    const n = rnd() < dupRate ? 2 : 1;
    for (let c = 0; c < n; c++) {
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
      copies.push({ event, arrival: Math.min(stream.asOf, at + delay), tie: rnd() });
    }
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
    steps.push({ kind: "apply", now, events });
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
