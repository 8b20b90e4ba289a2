/**
 * Intake benchmark: µs per record of the processor's intake (`intake`: Buffer → JSON.parse → catalog parse →
 * time checks) and of the catalog parse alone (`parseEvent`), for valid and invalid events of every type.
 * Needs no Kafka or Redis. Prints the median of several short repetitions; it reports, it never fails.
 *
 * `npx tsx test/bench/intake.ts` (BENCH_REPS rounds of 100 ms per row after a 500 ms warm-up, default 7; BENCH_EVENTS
 * events per set, default 4800). About 12 s.
 */
import { performance } from "node:perf_hooks";
import { CanonicalEvent, EVENT_TYPES, parseEvent, PLATFORMS } from "@sg/events";
import { intake } from "@sg/processor";

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const REPS = env("BENCH_REPS", 7);
const WARMUP_MS = 500;
const REP_MS = 100;
const N = env("BENCH_EVENTS", 4800);
const NOW = Date.parse("2026-03-05T12:00:00+08:00");

/** The type-specific fields of a typical valid event of each type (the gateway forwards what merchants send). */
const BODY: Record<string, (i: number) => Record<string, unknown>> = {
  "order.paid": (i) => ({ orderId: `69${i}`, amount: 59.9, promisedShipBy: "2026-03-06T12:00:00+08:00" }),
  "order.cancelled": (i) => ({ orderId: `69${i}` }),
  "order.shipped": (i) => ({ orderId: `69${i}` }),
  "logistics.picked_up": (i) => ({ orderId: `69${i}` }),
  "logistics.updated": (i) => ({ orderId: `69${i}` }),
  "logistics.signed": (i) => ({ orderId: `69${i}` }),
  "review.posted": (i) => ({ orderId: `69${i}`, rating: "good" }),
  "feedback.posted": (i) => ({ orderId: `69${i}`, issue: "shipping", reason: "slow_shipping" }),
  "complaint.filed": (i) => ({ orderId: `69${i}` }),
  "aftersale.requested": (i) => ({ afterSaleId: `as${i}`, orderId: `69${i}`, kind: "refund_only", reason: "quality", afterShipment: true }),
  "aftersale.merchant_acted": (i) => ({ afterSaleId: `as${i}`, decision: "agree" }),
  "aftersale.return_signed": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.ready_for_processing": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.processed": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.awaiting_customer": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.platform_intervened": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.arbitrated": (i) => ({ afterSaleId: `as${i}`, liability: "merchant" }),
  "aftersale.cancelled": (i) => ({ afterSaleId: `as${i}` }),
  "aftersale.completed": (i) => ({ afterSaleId: `as${i}`, outcome: "refunded" }),
  "chat.transferred": (i) => ({ consumerId: `u${i}`, conversationId: `c${i}` }),
  "chat.message": (i) => ({ consumerId: `u${i}`, sender: i % 2 ? "consumer" : "agent", conversationId: `c${i}`, agentId: "a1" }),
  "chat.closed": (i) => ({ consumerId: `u${i}`, conversationId: `c${i}` }),
  "chat.rated": (i) => ({ consumerId: `u${i}`, rating: "satisfied", cardSentAt: "2026-03-05T10:00:00+08:00", conversationId: `c${i}` }),
  "consumer.excluded": (i) => ({ consumerId: `u${i}` }),
  "exclusion.requested": (i) => ({ scope: "order", itemId: `69${i}`, reason: "late_shipment_filing", metrics: ["pickup_24h_rate"] }),
  "exclusion.decided": (i) => ({ scope: "order", itemId: `69${i}`, reason: "late_shipment_filing", decision: "approved" }),
  "score.bonus_granted": (i) => ({ grantId: `g${i}`, bonus: "freight_insurance", validFrom: "2026-03-01T00:00:00+08:00" }),
  "score.bonus_revoked": (i) => ({ grantId: `g${i}` }),
  "score.deducted": (i) => ({ violationId: `v${i}`, part: "consumer_harm", points: 2 }),
  "score.deduction_revoked": (i) => ({ violationId: `v${i}` }),
};

/** Valid events, all types in turn: 2 of 3 with an ISO `at` (some with milliseconds), 1 of 3 epoch ms; 1 of 10 with an extra field. */
function validEvents(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
    const atMs = NOW - 3_600_000 - i * 1000;
    const iso = new Date(atMs + 8 * 3_600_000).toISOString().slice(0, i % 6 === 0 ? 23 : 19) + "+08:00";
    const e: Record<string, unknown> = {
      id: `e-${i}-7f3a9c`,
      type,
      platform: PLATFORMS[i % PLATFORMS.length],
      shopId: `shop${i % 50}`,
      at: i % 3 === 2 ? atMs : iso,
      ...BODY[type]!(i),
    };
    if (i % 10 === 0) e.source = "webhook";
    return e;
  });
}

/** Invalid events: an unknown type, an unreal time, an unknown platform, a missing field, a wrong field type. */
function invalidEvents(valid: Record<string, unknown>[]): Record<string, unknown>[] {
  return valid.map((e, i) => {
    switch (i % 5) {
      case 0:
        return { ...e, type: "chat.nonsense" };
      case 1:
        return { ...e, at: "2026-02-30T08:00:00+08:00" };
      case 2:
        return { ...e, platform: "taobao" };
      case 3:
        return { ...e, shopId: undefined };
      default:
        return { ...e, id: 42 };
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** µs per item of `f` over `xs` for about `ms` milliseconds (whole passes). */
function pass<T>(xs: T[], f: (x: T) => unknown, ms: number): number {
  let n = 0;
  const t0 = performance.now();
  do {
    for (const x of xs) f(x);
    n += xs.length;
  } while (performance.now() - t0 < ms);
  return ((performance.now() - t0) * 1000) / n;
}

type Row = { name: string; run: (ms: number) => number };
const row = <T>(name: string, xs: T[], f: (x: T) => unknown): Row => ({ name, run: (ms) => pass(xs, f, ms) });

/**
 * Steady state: each row warmed up long enough for V8's optimizer, then REPS rounds of one short pass per
 * row (interleaved, so a busy moment of the machine touches every row alike); µs per item, the median.
 */
function measure(rows: Row[]): [string, number][] {
  for (const r of rows) r.run(WARMUP_MS);
  const runs = rows.map(() => [] as number[]);
  for (let i = 0; i < REPS; i++) rows.forEach((r, k) => runs[k]!.push(r.run(REP_MS)));
  return rows.map((r, k) => [r.name, median(runs[k]!)]);
}

const valid = validEvents(N);
const invalid = invalidEvents(valid);
const buffers = (xs: unknown[]) => xs.map((x) => Buffer.from(JSON.stringify(x)));
const validBufs = buffers(valid);
const invalidBufs = buffers(invalid);
// As the intake sees them: objects that JSON.parse made.
const strings = validBufs.map((b) => b.toString("utf8"));
const validObjects = strings.map((s) => JSON.parse(s) as unknown);
const invalidObjects = invalidBufs.map((b) => JSON.parse(b.toString("utf8")) as unknown);

// Valid rows apart from invalid ones: the zod error path (thousands of ZodErrors) slows the rows run after it.
const rows = [
  ...measure([
    row("intake, valid (Buffer → event)", validBufs, (b) => intake(b, NOW).ok),
    row("parseEvent, valid (JSON object → event)", validObjects, (x) => parseEvent(x).ok),
    row("zod alone (CanonicalEvent.safeParse), valid", validObjects, (x) => CanonicalEvent.safeParse(x).success),
    row("  Buffer → string", validBufs, (b) => b.toString("utf8").length),
    row("  JSON.parse(string)", strings, (s) => JSON.parse(s) as unknown),
  ]),
  ...measure([
    row("intake, invalid", invalidBufs, (b) => intake(b, NOW).ok),
    row("parseEvent, invalid", invalidObjects, (x) => parseEvent(x).ok),
    row("zod alone, invalid", invalidObjects, (x) => CanonicalEvent.safeParse(x).success),
  ]),
];
const accepted = validBufs.filter((b) => intake(b, NOW).ok).length;
const refused = invalidBufs.filter((b) => !intake(b, NOW).ok).length;
if (accepted !== N || refused !== N) throw new Error(`bench data: ${accepted}/${N} valid accepted, ${refused}/${N} invalid refused`);
console.log(`intake bench: ${N} events per set (all ${EVENT_TYPES.length} types), median of ${REPS}, Node ${process.version}`);
for (const [name, us] of rows) console.log(`${name.padEnd(44)} ${us.toFixed(2).padStart(6)} µs/event`);
