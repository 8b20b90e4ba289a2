import type { CanonicalEvent, Platform } from "@sg/events";
import { mulberry32, RATINGS } from "./random-events.js";

/**
 * Streams on a coarse time grid, for comparing engines where the facts compete: every time is a whole number
 * of 30-second steps near the rules' boundaries (service hours, 180 s, 30 s, 600 s, 10-minute gaps, 24 h,
 * 48 h, JD's 21:00), so ties, exact deadlines and equal instants are common. Orders get several pickups,
 * signatures, reviews and after-sales; after-sales several decisions, completions and rulings; consumers
 * several transfers, closes and conversations; some events re-use an earlier id with a different body, and
 * the whole stream arrives shuffled. Not used by production code.
 */

const STEP = 30_000;
const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;

export interface GridStream {
  /** In arrival order (shuffled; re-used ids included). */
  events: CanonicalEvent[];
  /** Evaluation moments: on the grid, some exactly at deadlines. */
  moments: number[];
}

export function gridStream(platform: Platform, dayStartMs: number, seed: number): GridStream {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number) => Math.floor(rnd() * n);
  const out: CanonicalEvent[] = [];
  let n = 0;
  const push = (at: number, body: Record<string, unknown>) => {
    out.push({ id: `g${n++}`, platform, shopId: "g1", at, ...body } as unknown as CanonicalEvent);
  };
  // Chat near the service-hour edges (07:58, 08:58, 22:56, 20:58) and mid-day, on the evaluated day or the one before.
  // Some shops answer nearly every message within a step, so that a lone pending item decides "at risk".
  const answering = rnd() < 0.4;
  const chatBases = [7 * H + 58 * MIN, 8 * H + 58 * MIN, 12 * H, 20 * H + 58 * MIN, 22 * H + 56 * MIN];
  for (let c = 0, consumers = 1 + int(10); c < consumers; c++) {
    const consumerId = `u${c}`;
    // An answering shop's consumers mostly reach an agent around noon, one after another.
    const base = answering ? dayStartMs + 12 * H + c * 4 * STEP : dayStartMs - (rnd() < 0.2 ? DAY : 0) + pick(chatBases);
    if (answering) push(base, { type: "chat.transferred", consumerId });
    for (let k = 0, events = 2 + int(14); k < events; k++) {
      const at = base + int(45) * STEP;
      const r = rnd();
      if (r < 0.15) push(at, { type: "chat.transferred", consumerId });
      else if (r < 0.22) push(at, { type: "chat.closed", consumerId });
      else if (r < 0.55) {
        push(at, { type: "chat.message", consumerId, sender: "consumer" });
        if (answering && rnd() < 0.9) push(at + int(2) * STEP, { type: "chat.message", consumerId, sender: "agent" });
      } else if (r < 0.75) push(at, { type: "chat.message", consumerId, sender: "agent" });
      else if (r < 0.9) push(at, { type: "chat.message", consumerId, sender: "robot", ...(rnd() < 0.5 ? { assist: true } : {}) });
      else
        push(at + int(4) * STEP, {
          type: "chat.rated",
          consumerId,
          rating: pick(RATINGS[platform]),
          cardSentAt: at,
          ...(rnd() < 0.2 ? { robot: true } : {}),
        });
    }
    if (rnd() < 0.1) push(base + int(60) * STEP, { type: "consumer.excluded", consumerId });
  }
  // Some shops have many rulings, so that the dispute rule's count-and-rate breach (and its score cap) happens.
  const disputed = rnd() < 0.3;
  // Orders paid on whole hours of the last days; their facts at whole hours, at exactly 24 h and 48 h, or repeated.
  for (let o = 0, orders = 1 + int(8); o < orders; o++) {
    const orderId = `o${o}`;
    const paid = dayStartMs + 12 * H - int(6) * DAY - int(24) * H;
    const later = () => paid + pick([0, 24 * H, 48 * H, int(72) * H, int(72) * H, 24 * H + pick([-1, 1]) * STEP]);
    push(paid, {
      type: "order.paid",
      orderId,
      ...(rnd() < 0.2 ? { presale: true } : {}),
      ...(rnd() < 0.1 ? { custom: true } : {}),
      ...(rnd() < 0.4 ? { promisedShipBy: paid + pick([24, 48]) * H } : {}),
    });
    const types = ["order.cancelled", "logistics.picked_up", "logistics.updated", "logistics.signed", "complaint.filed"];
    for (let k = 0, facts = int(8); k < facts; k++) push(later(), { type: pick(types), orderId });
    for (let k = 0, reviews = int(3); k < reviews; k++)
      push(later(), { type: "review.posted", orderId, rating: pick(["good", "neutral", "bad"]) });
    if (rnd() < 0.4)
      push(later(), {
        type: "feedback.posted",
        orderId,
        issue: pick(["shipping", "other"]),
        reason: pick(["slow_shipping", "not_shipped", "other"]),
      });
    for (let a = 0, afterSales = int(3); a < afterSales; a++) {
      const afterSaleId = `as${o}-${a}`;
      // Requests of one order often at the same instant; JD's near 20:40, so 20 business minutes cross 21:00.
      const requested = platform === "jd" ? dayStartMs - int(3) * DAY + 20 * H + 40 * MIN + int(4) * STEP : paid + pick([24, 24, 30]) * H;
      push(requested, {
        type: "aftersale.requested",
        afterSaleId,
        orderId,
        kind: pick(["refund_only", "return_refund", "exchange"]),
        reason: pick(["quality", "damaged", "other"]),
        afterShipment: rnd() < 0.7,
        ...(rnd() < 0.2 ? { overdueEntry: true } : {}),
      });
      if (disputed) {
        push(requested + 40 * STEP, {
          type: "aftersale.arbitrated",
          afterSaleId,
          liability: pick(["merchant", "both", "both", "consumer"]),
        });
        push(requested + 48 * H, { type: "aftersale.completed", afterSaleId, outcome: "refunded" });
      }
      const step = () => requested + pick([0, 40 * STEP, 48 * H, int(80) * STEP, int(72) * H, 12 * H + 40 * MIN]);
      for (let k = 0, facts = int(7); k < facts; k++) {
        const r = rnd();
        if (r < 0.3) push(step(), { type: "aftersale.merchant_acted", afterSaleId, decision: pick(["agree", "refuse"]) });
        else if (r < 0.4) push(step(), { type: "aftersale.return_signed", afterSaleId });
        else if (r < 0.5)
          push(step(), { type: "aftersale.arbitrated", afterSaleId, liability: pick(["merchant", "both", "consumer", "none"]) });
        else if (r < 0.6) push(step(), { type: "aftersale.platform_intervened", afterSaleId });
        else if (r < 0.7) push(step(), { type: "aftersale.cancelled", afterSaleId });
        else if (r < 0.82) push(step(), { type: "aftersale.completed", afterSaleId, outcome: pick(["refunded", "closed"]) });
        else if (r < 0.9) push(step(), { type: "aftersale.ready_for_processing", afterSaleId });
        else if (r < 0.96) push(step(), { type: "aftersale.processed", afterSaleId });
        else push(step(), { type: "aftersale.awaiting_customer", afterSaleId });
      }
    }
  }
  // Re-used ids: a later copy with an earlier event's id and another body changes nothing (events.md).
  for (let k = 0, reused = int(4); k < reused && out.length > 1; k++) {
    const victim = pick(out);
    const donor = pick(out);
    out.push({ ...donor, id: victim.id });
  }
  // Arrival order: shuffled, but a re-used id arrives after the event it copies the id of.
  const arrival = out.map((e, i) => ({ e, key: i >= n ? 2 + rnd() : rnd() * 2 }));
  arrival.sort((a, b) => a.key - b.key);
  const times = out.map((e) => Number(e.at));
  // Many moments fall where a pending item is due within its lead time: 120–150 s into a 180 s wait, 20–23 h
  // into a 24 h pickup; the others anywhere near a fact.
  const asked = out.filter((e) => e.type === "chat.message" && e.sender === "consumer").map((e) => Number(e.at));
  const paidAt = out.filter((e) => e.type === "order.paid").map((e) => Number(e.at));
  const moment = () => {
    const r = rnd();
    if (r < 0.4 && asked.length > 0) return pick(asked) + pick([4, 5]) * STEP;
    if (r < 0.6 && paidAt.length > 0) return pick(paidAt) + pick([20, 21, 23]) * H;
    return pick(times) + pick([0, STEP, 3 * MIN, 10 * MIN, 24 * H]);
  };
  const moments = [dayStartMs + 23 * H + 50 * MIN, ...Array.from({ length: 5 }, moment)];
  return { events: arrival.map((x) => x.e), moments };
}
