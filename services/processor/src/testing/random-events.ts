import type { CanonicalEvent, Platform } from "@sg/events";

/**
 * Seeded random canonical event streams for property tests and benchmarks: chat sessions, orders and
 * after-sales of one shop over a few days, in event-time order. Not used by production code.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each platform's rating scale (events.md `chat.rated`). */
export const RATINGS: Record<Platform, string[]> = {
  kuaishou: ["satisfied", "neutral", "disappointed"],
  pdd: ["satisfied", "neutral", "disappointed"],
  jd: ["very_satisfied", "satisfied", "neutral", "unsatisfied", "very_unsatisfied"],
  douyin: ["1", "2", "3", "4", "5"],
};

export interface RandomStreamOptions {
  seed: number;
  platform: Platform;
  shopId: string;
  /** Start of the stream, epoch ms. */
  startMs: number;
  consumers?: number;
  orders?: number;
  idPrefix?: string;
}

export function randomStream(o: RandomStreamOptions): CanonicalEvent[] {
  const rnd = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: CanonicalEvent[] = [];
  let n = 0;
  const base = { platform: o.platform, shopId: o.shopId };
  const push = (atMs: number, body: Record<string, unknown>) =>
    out.push({ id: `${o.idPrefix ?? "r"}${o.seed}-${n++}`, ...base, at: atMs, ...body } as CanonicalEvent);
  const H = 3_600_000;
  for (let c = 0; c < (o.consumers ?? 12); c++) {
    const consumerId = `u${c}`;
    let t = o.startMs + Math.floor(rnd() * 40 * H);
    if (rnd() < 0.9) push(t, { type: "chat.transferred", consumerId });
    const msgs = 1 + Math.floor(rnd() * 6);
    for (let m = 0; m < msgs; m++) {
      t += Math.floor(rnd() * 400_000);
      const sender = pick(["consumer", "consumer", "agent", "robot"] as const);
      push(t, { type: "chat.message", consumerId, sender, ...(sender === "robot" && rnd() < 0.5 ? { assist: true } : {}) });
    }
    if (rnd() < 0.5) push(t + Math.floor(rnd() * 600_000), { type: "chat.closed", consumerId });
    if (rnd() < 0.5)
      push(t + 60_000, {
        type: "chat.rated",
        consumerId,
        rating: pick(RATINGS[o.platform]),
        cardSentAt: t + 30_000,
        ...(rnd() < 0.2 ? { robot: true } : {}),
      });
    if (rnd() < 0.1) push(t + Math.floor(rnd() * 10 * H), { type: "consumer.excluded", consumerId });
  }
  for (let i = 0; i < (o.orders ?? 12); i++) {
    const orderId = `o${i}`;
    const paid = o.startMs + Math.floor(rnd() * 40 * H);
    push(paid, {
      type: "order.paid",
      orderId,
      ...(rnd() < 0.15 ? { presale: true } : {}),
      ...(rnd() < 0.3 ? { promisedShipBy: paid + 48 * H } : {}),
    });
    if (rnd() < 0.1) push(paid + Math.floor(rnd() * 30 * H), { type: "order.cancelled", orderId });
    if (rnd() < 0.8) {
      const pick1 = paid + Math.floor(rnd() * 30 * H);
      push(pick1, { type: "logistics.picked_up", orderId });
      if (rnd() < 0.5) push(pick1 + Math.floor(rnd() * 20 * H), { type: "logistics.updated", orderId });
      if (rnd() < 0.7) {
        const signed = pick1 + Math.floor(rnd() * 60 * H);
        push(signed, { type: "logistics.signed", orderId });
        if (rnd() < 0.5)
          push(signed + Math.floor(rnd() * 10 * H), { type: "review.posted", orderId, rating: pick(["good", "neutral", "bad"] as const) });
      }
    }
    if (rnd() < 0.15)
      push(paid + Math.floor(rnd() * 60 * H), {
        type: "feedback.posted",
        orderId,
        issue: pick(["shipping", "other"] as const),
        reason: pick(["slow_shipping", "not_shipped", "other"] as const),
      });
    if (rnd() < 0.05) push(paid + Math.floor(rnd() * 60 * H), { type: "complaint.filed", orderId });
    if (rnd() < 0.35) {
      const afterSaleId = `as${i}`;
      let t = paid + Math.floor(rnd() * 50 * H);
      push(t, {
        type: "aftersale.requested",
        afterSaleId,
        orderId,
        kind: pick(["refund_only", "return_refund", "exchange"] as const),
        reason: pick(["quality", "not_as_described", "damaged", "shipping", "no_reason", "other"] as const),
        afterShipment: rnd() < 0.6,
        ...(rnd() < 0.1 ? { overdueEntry: true } : {}),
      });
      const steps = Math.floor(rnd() * 5);
      for (let s = 0; s < steps; s++) {
        t += Math.floor(rnd() * 30 * H);
        const type = pick([
          "aftersale.merchant_acted",
          "aftersale.return_signed",
          "aftersale.ready_for_processing",
          "aftersale.processed",
          "aftersale.awaiting_customer",
          "aftersale.platform_intervened",
          "aftersale.arbitrated",
          "aftersale.cancelled",
        ] as const);
        if (type === "aftersale.merchant_acted") push(t, { type, afterSaleId, decision: pick(["agree", "refuse"] as const) });
        else if (type === "aftersale.arbitrated")
          push(t, { type, afterSaleId, liability: pick(["merchant", "both", "consumer", "none"] as const) });
        else push(t, { type, afterSaleId });
      }
      if (rnd() < 0.7)
        push(t + Math.floor(rnd() * 10 * H), { type: "aftersale.completed", afterSaleId, outcome: pick(["refunded", "closed"] as const) });
    }
  }
  return out.sort((a, b) => Number(a.at) - Number(b.at));
}

/** A shuffled copy with about `dupRate` of the events repeated (same id) at random places. */
export function shuffleWithDuplicates<T>(xs: T[], seed: number, dupRate = 0.2): T[] {
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  const out = [...xs];
  for (const x of xs) if (rnd() < dupRate) out.push(x);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
