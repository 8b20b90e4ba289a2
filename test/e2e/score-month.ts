// A month of a Douyin shop whose every douyin@2023-06 indicator has data, for the score tests (not a test
// file). With the sample table TEA every indicator is in its best band unless `badReviews` says otherwise,
// and `pendingPickups` orders paid 22 h before `t0` are still waiting for the carrier (due at t0 + 2 h).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function douyinScoreMonth(opts: {
  shopId: string;
  /** Prefix of the event ids. */
  run: string;
  /** The evaluation moment: inside service hours, so that today's chat counts. */
  t0: number;
  /** Of the 20 signed orders, this many get a bad first review. */
  badReviews?: number;
  pendingPickups?: number;
}): object[] {
  const { shopId, run, t0 } = opts;
  let n = 0;
  const ev = (type: string, at: number, extra: Record<string, unknown>) => ({
    id: `${run}-${++n}`,
    type,
    platform: "douyin",
    shopId,
    at,
    ...extra,
  });
  const events: object[] = [];
  // 20 orders picked up 2 h after payment and signed 20 h later.
  for (let i = 0; i < 20; i++) {
    const paid = t0 - 5 * DAY + i * HOUR;
    const orderId = `o${i}`;
    events.push(
      ev("order.paid", paid, { orderId }),
      ev("logistics.picked_up", paid + 2 * HOUR, { orderId }),
      ev("logistics.signed", paid + 22 * HOUR, { orderId }),
    );
    if (i < (opts.badReviews ?? 0)) events.push(ev("review.posted", paid + 30 * HOUR, { orderId, rating: "bad" }));
  }
  // Two after-sales after shipment, agreed within an hour.
  for (const [afterSaleId, kind, orderId] of [
    ["a1", "refund_only", "o1"],
    ["a2", "return_refund", "o2"],
  ] as const) {
    const at = t0 - 2 * DAY;
    events.push(
      ev("aftersale.requested", at, { afterSaleId, orderId, kind, reason: "no_reason", afterShipment: true }),
      ev("aftersale.merchant_acted", at + HOUR, { afterSaleId, decision: "agree" }),
      ev("aftersale.completed", at + 2 * HOUR, { afterSaleId, outcome: "refunded" }),
    );
  }
  // Today: a consultation answered in 20 s, rated 5 stars.
  events.push(
    ev("chat.transferred", t0 - HOUR, { consumerId: "c1" }),
    ev("chat.message", t0 - HOUR + 1000, { consumerId: "c1", sender: "consumer" }),
    ev("chat.message", t0 - HOUR + 21_000, { consumerId: "c1", sender: "agent" }),
    ev("chat.rated", t0 - HOUR + 60_000, { consumerId: "c1", rating: "5", cardSentAt: t0 - HOUR + 30_000 }),
  );
  for (let i = 0; i < (opts.pendingPickups ?? 0); i++) events.push(ev("order.paid", t0 - 22 * HOUR + i * 60_000, { orderId: `late${i}` }));
  return events;
}
