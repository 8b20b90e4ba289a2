import { toShanghaiIso } from "@sg/events";

/**
 * `npm run demo`'s live traffic: three shops on three platforms, posted as canonical events to
 * the process's own intake, scripted so that within a minute a newcomer sees metrics move, an at-risk
 * warning, a breach, and its resolution.
 *
 * The processor runs on the real clock, so a 3-minute reply deadline takes 3 real minutes. The script
 * back-dates events instead (any past time is accepted): a consultation whose wait opened 150 s ago is due in
 * 30 s; an order paid 24 h minus 40 s ago must be picked up within 40 s.
 *
 * - Kuaishou `ks-flower-shop`, human_reply_3min_rate (line 70%): 5 consultations answered, 4 waiting and due
 *   in 30 s → at risk (if all 4 miss, 5/9 < 70%); one is answered, three miss → breach (6/9); new
 *   consultations answered on time bring it back over the line → resolved. Then steady traffic.
 * - Douyin `dy-tea-house`, pickup_24h_rate (line 90%): 16 orders picked up in time, 2 due in 40 s → at risk;
 *   both are picked up in time → ok. Its score (商家体验分, douyin@2023-06 with the sample parameters): two
 *   after-sales agreed within hours and, in service hours, a consultation answered in 45 s complete it at
 *   99.4; if both pending pickups were late it would fall to 95.4 (one: 97.8), below the shop's line of 98
 *   → a score alert at risk, resolved by the second pickup.
 * - Pinduoduo `pdd-fruit-farm`, overdue_refund_count (line 0) and 3-minute replies: a refund request 48 h
 *   minus 45 s old → at risk; the merchant acts after 20 s → ok.
 *
 * Chat metrics count only waits opened in service hours (08:00–23:00 Asia/Shanghai); outside them the
 * Kuaishou shop shows no data and the Douyin and Pinduoduo shops carry the demo.
 */
export const DEMO_SHOPS = [
  { platform: "kuaishou", shopId: "ks-flower-shop" },
  { platform: "douyin", shopId: "dy-tea-house" },
  { platform: "pdd", shopId: "pdd-fruit-farm" },
] as const;

type Ev = Record<string, unknown> & { id: string; type: string; platform: string; shopId: string; at: string };

export interface DemoOptions {
  /** POSTs a batch to /v1/events; resolves when the gateway accepted it. */
  post(events: Ev[]): Promise<void>;
  say(line: string): void;
  now?: () => number;
  /** A tag making this run's event ids unique. */
  run: string;
}

export interface Demo {
  stop(): void;
}

const S = 1000;
const H = 3_600_000;

export function startDemo(o: DemoOptions): Demo {
  const now = o.now ?? Date.now;
  const t0 = now();
  let n = 0;
  const id = (s: string) => `demo-${o.run}-${s}-${++n}`;
  const at = (ms: number) => toShanghaiIso(ms);
  const ks = (type: string, ms: number, extra: Record<string, unknown>): Ev => ({
    id: id(type),
    type,
    platform: "kuaishou",
    shopId: "ks-flower-shop",
    at: at(ms),
    ...extra,
  });
  const dy = (type: string, ms: number, extra: Record<string, unknown>): Ev => ({
    id: id(type),
    type,
    platform: "douyin",
    shopId: "dy-tea-house",
    at: at(ms),
    ...extra,
  });
  const pdd = (type: string, ms: number, extra: Record<string, unknown>): Ev => ({
    id: id(type),
    type,
    platform: "pdd",
    shopId: "pdd-fruit-farm",
    at: at(ms),
    ...extra,
  });

  /** A consultation handed to a human, the consumer's message opening a wait at `openedAt`. */
  const consult = (mk: typeof ks, consumerId: string, openedAt: number): Ev[] => [
    mk("chat.transferred", openedAt - 2 * S, { consumerId }),
    mk("chat.message", openedAt, { consumerId, sender: "consumer" }),
  ];
  const reply = (mk: typeof ks, consumerId: string, ms: number): Ev =>
    mk("chat.message", ms, { consumerId, sender: "agent", agentId: "agent-07" });

  const timers: NodeJS.Timeout[] = [];
  const send = (label: string | null, events: () => Ev[]) => async () => {
    try {
      await o.post(events());
      if (label !== null) o.say(label);
    } catch (err) {
      o.say(`could not post demo events (${err instanceof Error ? err.message : String(err)}); retrying with the next step`);
    }
  };
  const at_ = (sec: number, label: string | null, events: () => Ev[]) => timers.push(setTimeout(() => void send(label, events)(), sec * S));

  // t = 0: the day so far, and the consultations and orders now nearing their deadlines.
  at_(0, "kuaishou:ks-flower-shop: 5 consultations answered today; 4 more waiting, all due in 30 s (watch the queue)", () => {
    const out: Ev[] = [];
    for (let i = 1; i <= 5; i++) {
      const opened = t0 - (40 - i) * 60 * S;
      out.push(...consult(ks, `ks-buyer-${i}`, opened), reply(ks, `ks-buyer-${i}`, opened + 40 * S));
    }
    for (let i = 6; i <= 9; i++) out.push(...consult(ks, `ks-buyer-${i}`, t0 - 150 * S + i * 100));
    return out;
  });
  at_(0.5, "douyin:dy-tea-house: 16 orders picked up in time over the last days; 2 paid 23 h 59 min ago, not yet picked up", () => {
    const out: Ev[] = [];
    for (let i = 1; i <= 16; i++) {
      const paid = t0 - (2 * 24 * H + i * 37 * 60 * S);
      const orderId = `DY${5_000_100 + i}`;
      out.push(
        dy("order.paid", paid, { orderId, amount: 59 }),
        dy("order.shipped", paid + 3 * H, { orderId }),
        dy("logistics.picked_up", paid + 6 * H, { orderId }),
        dy("logistics.signed", paid + 30 * H, { orderId }),
      );
    }
    // Two after-sales agreed within hours, and today a consultation answered in 45 s rated 5 stars: every
    // indicator of the score has data (the chat ones only in service hours).
    const ask = t0 - 30 * H;
    out.push(
      dy("aftersale.requested", ask, {
        afterSaleId: "DY-AS-301",
        orderId: "DY5000104",
        kind: "refund_only",
        reason: "no_reason",
        afterShipment: true,
      }),
      dy("aftersale.merchant_acted", ask + 3 * H, { afterSaleId: "DY-AS-301", decision: "agree" }),
      dy("aftersale.completed", ask + 4 * H, { afterSaleId: "DY-AS-301", outcome: "refunded" }),
      dy("aftersale.requested", ask, {
        afterSaleId: "DY-AS-302",
        orderId: "DY5000105",
        kind: "return_refund",
        reason: "other",
        afterShipment: true,
      }),
      dy("aftersale.merchant_acted", ask + 10 * H, { afterSaleId: "DY-AS-302", decision: "agree" }),
      dy("aftersale.completed", ask + 20 * H, { afterSaleId: "DY-AS-302", outcome: "refunded" }),
      dy("chat.transferred", t0 - 20 * 60 * S, { consumerId: "dy-buyer-1" }),
      dy("chat.message", t0 - 20 * 60 * S + 2 * S, { consumerId: "dy-buyer-1", sender: "consumer" }),
      dy("chat.message", t0 - 20 * 60 * S + 47 * S, { consumerId: "dy-buyer-1", sender: "agent", agentId: "agent-03" }),
      dy("chat.rated", t0 - 15 * 60 * S, { consumerId: "dy-buyer-1", rating: "5", cardSentAt: t0 - 16 * 60 * S }),
    );
    for (const [i, left] of [
      [17, 40],
      [18, 48],
    ] as const)
      out.push(dy("order.paid", t0 - 24 * H + left * S, { orderId: `DY${5_000_100 + i}`, amount: 128 }));
    return out;
  });
  at_(1, "pdd:pdd-fruit-farm: a refund request has waited 47 h 59 min for the merchant (48 h limit)", () => [
    pdd("order.paid", t0 - 4 * 24 * H, { orderId: "PDD-240-88107" }),
    pdd("aftersale.requested", t0 - 48 * H + 45 * S, {
      afterSaleId: "PDD-AS-7731",
      orderId: "PDD-240-88107",
      kind: "refund_only",
      reason: "damaged",
      afterShipment: true,
    }),
  ]);

  at_(10, "kuaishou:ks-flower-shop: an agent answers ks-buyer-6; three consultations still waiting", () => [
    reply(ks, "ks-buyer-6", now()),
  ]);
  at_(15, "douyin:dy-tea-house: the carrier picks up DY5000117", () => [dy("logistics.picked_up", now(), { orderId: "DY5000117" })]);
  at_(22, "pdd:pdd-fruit-farm: the merchant agrees to refund PDD-AS-7731", () => [
    pdd("aftersale.merchant_acted", now(), { afterSaleId: "PDD-AS-7731", decision: "agree" }),
  ]);
  at_(28, "douyin:dy-tea-house: the carrier picks up DY5000118", () => [dy("logistics.picked_up", now(), { orderId: "DY5000118" })]);
  // About t = 30: ks-buyer-7..9 pass 3 minutes unanswered. The processor's own deadline timer marks the misses.
  at_(36, "kuaishou:ks-flower-shop: new consultations, answered within seconds", () => [
    ...consult(ks, "ks-buyer-10", now() - 20 * S),
    reply(ks, "ks-buyer-10", now()),
  ]);
  at_(42, null, () => [...consult(ks, "ks-buyer-11", now() - 15 * S), reply(ks, "ks-buyer-11", now())]);
  at_(47, null, () => [...consult(ks, "ks-buyer-12", now() - 10 * S), reply(ks, "ks-buyer-12", now())]);

  // From t = 55: steady traffic on the chat shops, each consultation answered within 5-40 s.
  let k = 13;
  let p = 1;
  let steady: NodeJS.Timeout | undefined;
  timers.push(
    setTimeout(() => {
      o.say("steady traffic from now on: a consultation every 6 s on Kuaishou or Pinduoduo, answered within 5-40 s");
      steady = setInterval(() => {
        const mk = Math.random() < 0.6 ? ks : pdd;
        const who = mk === ks ? `ks-buyer-${k++}` : `pdd-buyer-${p++}`;
        const opened = now();
        void send(null, () => consult(mk, who, opened))();
        timers.push(setTimeout(() => void send(null, () => [reply(mk, who, now())])(), 5 * S + Math.random() * 35 * S));
      }, 6 * S);
    }, 55 * S),
  );

  return {
    stop() {
      for (const t of timers) clearTimeout(t);
      if (steady !== undefined) clearInterval(steady);
    },
  };
}
