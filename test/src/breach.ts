/**
 * A Kuaishou shop in breach at any hour of the day, for tests that need a critical alert from fresh events.
 *
 * Chat metrics count only waits opened in service hours (08:00–23:00 Asia/Shanghai), so a "consumer left
 * waiting" story fires nothing when a test runs at night. `merchant_dispute_rate` (30-day window) has no
 * service hours: four after-sales completed in the last hours, each ruled against the merchant, give 4/4
 * (breach: at least 4 disputes and over 0.35%, metrics.md), severity critical, value 1.
 */
export const DISPUTE_METRIC = "merchant_dispute_rate";
/** Facts each after-sale of disputeBreach leaves in its record: request, ruling, completion. */
export const DISPUTE_FACTS_PER_AFTERSALE = 3;
export const DISPUTE_AFTERSALES = 4;

export interface BreachEvent {
  id: string;
  type: string;
  platform: "kuaishou";
  shopId: string;
  at: string;
  [field: string]: unknown;
}

/** The 12 events of four disputes lost by the merchant, the last completed `now − 1 min`; ids start with `tag`. */
export function disputeBreach(shopId: string, now: number, tag = shopId): BreachEvent[] {
  const at = (ms: number) => new Date(ms).toISOString();
  const out: BreachEvent[] = [];
  for (let i = 0; i < DISPUTE_AFTERSALES; i++) {
    const base = { platform: "kuaishou" as const, shopId, orderId: `${tag}-o${i}`, afterSaleId: `${tag}-as${i}` };
    const t = now - 3 * 3_600_000 + i * 60_000;
    out.push(
      { ...base, id: `${tag}-r${i}`, type: "aftersale.requested", at: at(t), kind: "refund_only", reason: "quality", afterShipment: true },
      { ...base, id: `${tag}-j${i}`, type: "aftersale.arbitrated", at: at(t + 3_600_000), liability: "merchant" },
      {
        ...base,
        id: `${tag}-c${i}`,
        type: "aftersale.completed",
        at: at(now - 60_000 - (DISPUTE_AFTERSALES - 1 - i) * 1000),
        outcome: "refunded",
      },
    );
  }
  return out;
}
