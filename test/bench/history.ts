/**
 * A shop's month for the bench: what a real shop's event stream looks like, not the cheapest path through
 * the engine. Orders are paid, shipped, picked up (most with the carrier's promised delivery time), updated,
 * signed and often reviewed with stars (some cancelled, some with feedback or a complaint); conversations are
 * sometimes answered by a robot first, transferred, go back and forth, close and are often rated; after-sales
 * name one of the shop's recent orders (requested before shipment, in transit or after signing) and come in every kind (refund only, return and refund, exchange) and every path (agreed,
 * refused, returned goods signed and processed, waiting for the customer, platform intervention and
 * arbitration with every liability, cancelled, completed refunded or closed). Traffic follows a daily curve
 * with peaks at 10:00 and 20:00 (Asia/Shanghai) and runs up to `nowMs`: the last hours hold orders not yet
 * shipped and conversations still open, as a live shop's do. Deterministic for a given seed.
 */
import type { CanonicalEvent, Platform } from "@sg/events";

const DAY = 86_400_000;
const H = 3_600_000;
const MIN = 60_000;
const CN_OFFSET = 8 * H;

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Relative traffic at hour h (0–24, Shanghai): a floor at night, peaks at 10:00 and 20:00. */
export function dailyCurve(h: number): number {
  const peak = (c: number, w: number) => Math.exp(-((h - c) ** 2) / (2 * w * w));
  const night = h < 7 || h >= 23.5 ? 0.05 : 0.3;
  return night + peak(10, 1.5) + 1.1 * peak(20, 1.8);
}

/** A time in the Shanghai day starting at `dayStartMs` (local midnight), drawn from the daily curve. */
function timeOfDay(r: () => number, dayStartMs: number): number {
  for (;;) {
    const h = r() * 24;
    if (r() * 1.45 < dailyCurve(h)) return dayStartMs + Math.round(h * H);
  }
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const RATINGS: Record<Platform, readonly string[]> = {
  kuaishou: ["satisfied", "satisfied", "satisfied", "neutral", "disappointed"],
  jd: ["very_satisfied", "very_satisfied", "satisfied", "neutral", "unsatisfied", "very_unsatisfied"],
  douyin: ["5", "5", "5", "4", "3", "2", "1"],
  pdd: ["5", "5", "4", "3", "1"],
};

type Ev = Record<string, unknown>;

function conversation(r: () => number, p: Platform, shopId: string, key: string, t: number): Ev[] {
  const c = { platform: p, shopId, consumerId: `u${key}`, conversationId: `c${key}` };
  const out: Ev[] = [];
  // A robot answers first in a third of the conversations, then hands over.
  if (r() < 0.33) out.push({ ...c, id: `b${key}`, type: "chat.message", at: t - 20_000, sender: "robot" });
  out.push({ ...c, id: `t${key}`, type: "chat.transferred", at: t });
  let at = t + 1000;
  const turns = 1 + Math.floor(r() * 4);
  for (let i = 0; i < turns; i++) {
    out.push({ ...c, id: `m${key}-${i}c`, type: "chat.message", at, sender: "consumer" });
    // Most replies within a minute, one in eight past the 3-minute mark, a few never.
    const slow = r();
    if (slow < 0.03) break;
    at += slow < 0.15 ? 200_000 + Math.round(r() * 300_000) : 5000 + Math.round(r() * 55_000);
    out.push({ ...c, id: `m${key}-${i}a`, type: "chat.message", at, sender: "agent", agentId: `a${Math.floor(r() * 5)}` });
    at += 10_000 + Math.round(r() * 120_000);
  }
  const closedAt = at + 60_000;
  out.push({ ...c, id: `x${key}`, type: "chat.closed", at: closedAt });
  if (r() < 0.35)
    out.push({ ...c, id: `r${key}`, type: "chat.rated", at: closedAt + 30_000, rating: pick(r, RATINGS[p]), cardSentAt: closedAt });
  return out;
}

/** An order's milestones, for the after-sales that name it. */
type OrderLife = { orderId: string; paidAt: number; shippedAt: number; signedAt: number };

function order(r: () => number, p: Platform, shopId: string, key: string, t: number): { events: Ev[]; life?: OrderLife } {
  const o = { platform: p, shopId, orderId: `69${key}` };
  const out: Ev[] = [
    { ...o, id: `p${key}`, type: "order.paid", at: t, amount: Math.round(r() * 20_000) / 100 + 5, promisedShipBy: t + 48 * H },
  ];
  if (r() < 0.04) return { events: [...out, { ...o, id: `n${key}`, type: "order.cancelled", at: t + Math.round(r() * 6 * H) }] };
  const shipped = t + 2 * H + Math.round(r() * (r() < 0.05 ? 60 * H : 30 * H));
  out.push({ ...o, id: `s${key}`, type: "order.shipped", at: shipped });
  const picked = shipped + H + Math.round(r() * 8 * H);
  // Most carriers promise a delivery time (Douyin's on-time delivery counts only waybills that carry one).
  const promise = r() < 0.85 ? { promisedSignBy: picked + 72 * H } : {};
  out.push({ ...o, id: `k${key}`, type: "logistics.picked_up", at: picked, ...promise });
  out.push({ ...o, id: `l${key}`, type: "logistics.updated", at: picked + 6 * H + Math.round(r() * 12 * H) });
  const signed = picked + 30 * H + Math.round(r() * 72 * H);
  out.push({ ...o, id: `g${key}`, type: "logistics.signed", at: signed });
  if (r() < 0.45) {
    // Stars 1–5, mostly 5; the good / neutral / bad rating follows them.
    const score = pick(r, [5, 5, 5, 5, 5, 5, 4, 4, 3, 2, 1]);
    out.push({
      ...o,
      id: `v${key}`,
      type: "review.posted",
      at: signed + Math.round(r() * 5 * DAY),
      rating: score >= 4 ? "good" : score === 3 ? "neutral" : "bad",
      score,
    });
  }
  if (r() < 0.02)
    out.push({
      ...o,
      id: `f${key}`,
      type: "feedback.posted",
      at: signed - 10 * H,
      issue: "shipping",
      reason: pick(r, ["slow_shipping", "not_shipped", "other"]),
    });
  if (r() < 0.005) out.push({ ...o, id: `q${key}`, type: "complaint.filed", at: signed + 2 * H });
  return { events: out, life: { orderId: o.orderId, paidAt: t, shippedAt: shipped, signedAt: signed } };
}

const KINDS = ["refund_only", "return_refund", "exchange"] as const;
const REASONS = ["quality", "not_as_described", "damaged", "shipping", "no_reason", "other"] as const;
const LIABILITY = ["merchant", "both", "consumer", "none"] as const;

/**
 * An after-sale requested at `t` on one of the shop's orders paid before it (`of`, when there is one; else
 * an order older than the history): before shipment, in transit, or after signing, as the order stood at `t`.
 */
function afterSale(r: () => number, p: Platform, shopId: string, key: string, t: number, of: OrderLife | undefined): Ev[] {
  const a = { platform: p, shopId, afterSaleId: `as${key}` };
  const kind = pick(r, KINDS);
  const out: Ev[] = [
    {
      ...a,
      orderId: of?.orderId ?? `68${key}`,
      id: `ar${key}`,
      type: "aftersale.requested",
      at: t,
      kind,
      reason: pick(r, REASONS),
      afterShipment: of ? of.shippedAt <= t : r() < 0.7,
    },
  ];
  let at = t + 10 * MIN + Math.round(r() * (r() < 0.1 ? 60 * H : 20 * H));
  const path = r();
  if (path < 0.08) return [...out, { ...a, id: `ac${key}`, type: "aftersale.cancelled", at }];
  const refuse = path < 0.2;
  out.push({ ...a, id: `am${key}`, type: "aftersale.merchant_acted", at, decision: refuse ? "refuse" : "agree" });
  if (refuse) {
    if (r() < 0.6) {
      at += 12 * H + Math.round(r() * 24 * H);
      out.push({ ...a, id: `ai${key}`, type: "aftersale.platform_intervened", at });
      at += 24 * H + Math.round(r() * 48 * H);
      const liability = pick(r, LIABILITY);
      out.push({ ...a, id: `ab${key}`, type: "aftersale.arbitrated", at, liability });
      out.push({
        ...a,
        id: `ad${key}`,
        type: "aftersale.completed",
        at: at + H,
        outcome: liability === "merchant" || liability === "both" ? "refunded" : "closed",
      });
    } else out.push({ ...a, id: `ad${key}`, type: "aftersale.completed", at: at + 24 * H, outcome: "closed" });
    return out;
  }
  if (kind !== "refund_only") {
    if (r() < 0.15) {
      at += 2 * H;
      out.push({ ...a, id: `aw${key}`, type: "aftersale.awaiting_customer", at });
    }
    at += 24 * H + Math.round(r() * 72 * H);
    out.push({ ...a, id: `as${key}`, type: "aftersale.return_signed", at });
    at += Math.round(r() * 6 * H);
    out.push({ ...a, id: `ay${key}`, type: "aftersale.ready_for_processing", at });
    at += 30 * MIN + Math.round(r() * 30 * H);
    out.push({ ...a, id: `ap${key}`, type: "aftersale.processed", at });
  }
  out.push({ ...a, id: `ad${key}`, type: "aftersale.completed", at: at + MIN, outcome: kind === "exchange" ? "closed" : "refunded" });
  return out;
}

/** One of `orders` paid before `t`, drawn at random (a few tries; undefined when none is found). */
function paidBefore(r: () => number, orders: readonly OrderLife[], t: number): OrderLife | undefined {
  for (let i = 0; i < 8 && orders.length > 0; i++) {
    const o = pick(r, orders);
    if (o.paidAt < t) return o;
  }
  return undefined;
}

export interface MonthOptions {
  platform: Platform;
  shopId: string;
  days: number;
  /** Events a day, roughly (the mix decides the exact count). */
  perDay: number;
  nowMs: number;
  seed?: number;
  /** Share of the events that are chat (default 0.4); the rest is 80% orders, 20% after-sales. */
  chatShare?: number;
  /**
   * Days before the window whose lifecycles are generated too, keeping only their events inside it (default
   * 0): a short window then holds the signings, reviews and refunds of orders placed before it, as a
   * topic's last days do.
   */
  lead?: number;
}

/**
 * `days` days of a shop up to `nowMs`, ~perDay events a day, sorted by time. Events later than `nowMs` are
 * not generated yet (the lifecycles still under way), as in a live shop.
 */
export function shopMonth(o: MonthOptions): CanonicalEvent[] {
  const r = rng(o.seed ?? hash(`${o.platform}:${o.shopId}`));
  const chat = o.chatShare ?? 0.4;
  // Events per unit, on average: a conversation ~7, an order ~6.5, an after-sale ~4.5.
  const conv = (o.perDay * chat) / 7;
  const ord = (o.perDay * (1 - chat) * 0.8) / 6.5;
  const as = (o.perDay * (1 - chat) * 0.2) / 4.5;
  const count = (x: number) => Math.floor(x) + (r() < x - Math.floor(x) ? 1 : 0);
  const out: Ev[] = [];
  // Orders of the last ten days, oldest first: the after-sales name one of them.
  let recent: OrderLife[] = [];
  // Shanghai midnight of the first day.
  const todayStart = Math.floor((o.nowMs + CN_OFFSET) / DAY) * DAY - CN_OFFSET;
  for (let d = o.days + (o.lead ?? 0); d >= 0; d--) {
    const dayStart = todayStart - d * DAY;
    const n = { conv: count(conv), ord: count(ord), as: count(as) };
    for (let i = 0; i < n.conv; i++) out.push(...conversation(r, o.platform, o.shopId, `${d}-${i}`, timeOfDay(r, dayStart)));
    recent = recent.filter((l) => l.paidAt >= dayStart - 10 * DAY);
    for (let i = 0; i < n.ord; i++) {
      const { events, life } = order(r, o.platform, o.shopId, `${d}-${i}`, timeOfDay(r, dayStart));
      out.push(...events);
      if (life) recent.push(life);
    }
    for (let i = 0; i < n.as; i++) {
      const t = timeOfDay(r, dayStart);
      const of = paidBefore(r, recent, t);
      // One request per order: an order that had one leaves the pool.
      if (of) recent.splice(recent.indexOf(of), 1);
      out.push(...afterSale(r, o.platform, o.shopId, `${d}-${i}`, t, of));
    }
  }
  const from = o.nowMs - o.days * DAY;
  return out
    .filter((e) => (e.at as number) < o.nowMs && (e.at as number) >= from)
    .sort((a, b) => (a.at as number) - (b.at as number)) as unknown as CanonicalEvent[];
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Counts by event type, for the method line of a row. */
export function mixOf(events: readonly CanonicalEvent[]): string {
  const by = new Map<string, number>();
  for (const e of events) by.set(e.type.split(".")[0]!, (by.get(e.type.split(".")[0]!) ?? 0) + 1);
  return [...by].map(([k, v]) => `${k} ${((v / events.length) * 100).toFixed(0)}%`).join(", ");
}
