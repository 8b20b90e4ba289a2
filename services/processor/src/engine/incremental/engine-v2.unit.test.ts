import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLATFORMS, type CanonicalEvent, type Platform } from "@sg/events";
import { DEFAULT_PACKS, loadRulePacks, packFor, selectablePacks, type RulePack } from "@sg/rules";
import { accountingFor } from "./accounting.js";
import { referenceEvaluate } from "../reference/index.js";
import type { ShopEvaluation } from "../evaluate.js";
import { deliveryPlan, modelStream, runDeliveryPlan } from "../../testing/model-streams.js";
import { gridStream } from "../../testing/grid-streams.js";
import { applyEvents, emptyShopState, evaluateState, type ShopState } from "./shop-state.js";
import { modelCalendar } from "../../testing/model-calendars.js";
import { shopCalendar } from "../calendar-entries.js";

/**
 * Engine v2's pure part (shop-state.ts: the steps EntityStore runs, over plain maps) against the independent
 * reference (engine/reference), in milliseconds: random model streams whose facts compete, delivered
 * shuffled with duplicates and re-used ids, the clock moving between batches, compared at every evaluation
 * (metrics, alerts, the board's queue, the next wake-up); and grid streams of ties and exact deadlines.
 * model.int.test.ts runs the same engine over a real Redis (Lua, atomicity, restarts).
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
/** `SG_V2_RUNS` and `SG_V2_SEED` widen or replay the comparison; the default is fixed. */
const RUNS = Number(process.env.SG_V2_RUNS ?? 100);
const SEED = Number(process.env.SG_V2_SEED ?? 20_260_412);

type View = { snapshot: unknown; due: unknown; nextWake: number };
const refView = (platform: Platform, events: CanonicalEvent[], asOf: number, pack?: RulePack): View => {
  const r = referenceEvaluate({ platform, shopId: "m1", events, asOf, ...(pack ? { pack } : {}) });
  return { snapshot: r.snapshot, due: r.due, nextWake: r.nextWake };
};
/**
 * Engine v2's view. Scores are a layer over the metrics (scores/compute.ts) that the reference does not
 * restate, except their bonuses and deductions (read from the shop's events: reference/score-adjustments.ts). Engine v2 also wakes for its own timers (a deadline that changes a contribution but no output):
 * a wake after asOf and before the reference's counts as the reference's.
 */
const v2View = (e: ShopEvaluation | undefined, ref: View, asOf: number): View | undefined => {
  // A shop with no state (nothing committed yet) has no evaluation; the reference still answers one, all no_data.
  if (e === undefined) return (ref.snapshot as { alerts: unknown[] }).alerts.length === 0 && noData(ref) ? ref : undefined;
  const { scores, ...rest } = e.snapshot;
  const snapshot =
    scores?.adjustments === undefined
      ? rest
      : { ...rest, scores: { bonuses: scores.bonuses, deductions: scores.deductions, adjustments: scores.adjustments } };
  const nextWake = e.nextWake > asOf && e.nextWake < ref.nextWake ? ref.nextWake : e.nextWake;
  return { snapshot, due: e.due, nextWake };
};

const noData = (ref: View) =>
  Object.values((ref.snapshot as { metrics: Record<string, { status: string }> }).metrics).every(
    (m) => m.status === "no_data" || m.status === "ok",
  );

/** Delivers a model stream by its plan (applies, concurrent halves, races as applies), comparing at every evaluation and at the end. */
function deliverAndCompare(
  stream: ReturnType<typeof modelStream>,
  delivery: number,
  apply: (events: CanonicalEvent[], now: number) => void,
  compare: (now: number, what: string) => void,
): void {
  runDeliveryPlan(deliveryPlan(stream, delivery, { concurrent: 0.06, race: 0.06, reuse: 0.05 }), stream.asOf, apply, compare);
}

const spec = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  day: fc.integer({ min: 0, max: 50 }),
  consumers: fc.array(fc.integer(), { maxLength: 16, size: "max" }),
  orders: fc.array(fc.integer(), { maxLength: 24, size: "max" }),
  goodReplies: fc.constantFrom(0.15, 0.4, 0.8),
  compete: fc.constantFrom(0, 0.4, 0.8, 1),
  delivery: fc.integer(),
});

describe("engine v2 (pure) equals the reference model", () => {
  it(`on ${RUNS} model streams with competing facts, duplicates and re-used ids, at every evaluation`, { timeout: 600_000 }, () => {
    let compared = 0;
    fc.assert(
      fc.property(spec, (s) => {
        const pack = packFor(s.platform);
        const stream = modelStream({ ...s, shopId: "m1", dayStartMs: FIRST_DAY + s.day * DAY });
        let state: ShopState = emptyShopState();
        /** Every id's first copy, in arrival order. */
        const delivered = new Map<string, CanonicalEvent>();
        const apply = (events: CanonicalEvent[], now: number) => {
          for (const e of events) if (!delivered.has(e.id)) delivered.set(e.id, e);
          state = applyEvents(
            pack,
            state,
            events.map((event) => ({ event, atMs: Number(event.at) })),
            now,
          ).state;
        };
        const compare = (now: number, what: string) => {
          const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, pack });
          state = out.state;
          const ref = refView(s.platform, [...delivered.values()], now);
          if (out.evaluation === undefined) expect(delivered.size, `${what}: no state after events`).toBe(0);
          expect(v2View(out.evaluation, ref, now), `${what} at ${new Date(now).toISOString()}`).toEqual(ref);
          compared++;
        };
        deliverAndCompare(stream, s.delivery, apply, compare);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`engine v2 (pure) vs reference: ${RUNS} model streams, ${compared} evaluations compared, seed ${SEED}`);
    expect(compared).toBeGreaterThan(RUNS);
  });

  it(
    `on ${RUNS} model streams with a random calendar (suspensions, deadline extensions, excluded regions, stricter lines, samples), at every evaluation`,
    { timeout: 600_000 },
    () => {
      let compared = 0;
      let suspendedOnes = 0;
      let samples = 0;
      fc.assert(
        fc.property(spec, fc.integer(), (s, calendarSeed) => {
          const pack = packFor(s.platform);
          const dayStartMs = FIRST_DAY + s.day * DAY;
          const stream = modelStream({ ...s, shopId: "m1", dayStartMs });
          const calendars = modelCalendar(calendarSeed, s.platform, "m1", dayStartMs);
          const shop = { calendar: shopCalendar(calendars, s.platform, "m1") };
          let state: ShopState = emptyShopState();
          const delivered = new Map<string, CanonicalEvent>();
          const compare = (now: number, what: string) => {
            const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, pack, shop });
            state = out.state;
            const r = referenceEvaluate({ platform: s.platform, shopId: "m1", events: [...delivered.values()], asOf: now, calendars });
            const ref = { snapshot: r.snapshot, due: r.due, nextWake: r.nextWake };
            expect(v2View(out.evaluation, ref, now), `${what} at ${new Date(now).toISOString()}`).toEqual(ref);
            const plain = refView(s.platform, [...delivered.values()], now).snapshot as typeof r.snapshot;
            for (const [m, o] of Object.entries(r.snapshot.metrics)) {
              if (o.denominator !== plain.metrics[m]?.denominator) suspendedOnes++;
              if (o.sample === true) samples++;
            }
            compared++;
          };
          for (const step of deliveryPlan(stream, s.delivery, { concurrent: 0.06, race: 0.06, reuse: 0.05 })) {
            if (step.kind === "apply" || step.kind === "race" || step.kind === "concurrent") {
              const events = step.kind === "concurrent" ? step.parts.flat() : step.events;
              for (const e of events) if (!delivered.has(e.id)) delivered.set(e.id, e);
              // The calendar's deadline extensions and excluded regions decide items where contributions are computed.
              state = applyEvents(
                pack,
                state,
                events.map((event) => ({ event, atMs: Number(event.at) })),
                step.now,
                Infinity,
                undefined,
                undefined,
                shop.calendar,
              ).state;
            } else if (step.kind === "evaluate") compare(step.now, "evaluation");
          }
          compare(stream.asOf, "final evaluation");
        }),
        { numRuns: RUNS, seed: SEED + 1 },
      );
      console.log(
        `engine v2 (pure) vs reference with calendars: ${compared} evaluations, ${suspendedOnes} metrics changed by a suspension, ${samples} sample`,
      );
      // The calendars did change results: the comparison is not of two engines that ignore them.
      expect(suspendedOnes).toBeGreaterThan(10);
      expect(samples).toBeGreaterThan(0);
    },
  );
  // The packs of the 2026 rules (douyin@2026-*, pdd@2026, jd@2024): the store accounts every selectable pack
  // of the platform (accounting.ts), as the processor does, and each pack is evaluated by the shop's choice.
  const RUNS_2026 = Number(process.env.SG_V2_RUNS_2026 ?? 40);
  it(`on ${RUNS_2026} model streams under each 2026 pack, with the platform's accounting and retention`, { timeout: 600_000 }, () => {
    let compared = 0;
    const kinds = new Set<string>();
    const shipped = loadRulePacks();
    fc.assert(
      fc.property(
        spec.filter((s) => s.platform !== "kuaishou"),
        (s) => {
          const acc = accountingFor(s.platform);
          const packs = selectablePacks(s.platform, shipped).filter((p) => p.id !== DEFAULT_PACKS[s.platform]);
          const stream = modelStream({ ...s, shopId: "m1", dayStartMs: FIRST_DAY + s.day * DAY });
          let state: ShopState = emptyShopState();
          const delivered = new Map<string, CanonicalEvent>();
          const apply = (events: CanonicalEvent[], now: number) => {
            for (const e of events) if (!delivered.has(e.id)) delivered.set(e.id, e);
            const evs = events.map((event) => ({ event, atMs: Number(event.at) }));
            state = applyEvents(acc.pack, state, evs, now, Infinity, acc.chatKeepDays, acc.retention.closedKeepMs).state;
          };
          const compare = (now: number, what: string) => {
            for (const pack of packs) {
              const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, shop: { pack: pack.id } });
              state = out.state;
              const ref = refView(s.platform, [...delivered.values()], now, pack);
              if (out.evaluation === undefined) expect(delivered.size, `${what}: no state after events`).toBe(0);
              expect(v2View(out.evaluation, ref, now), `${pack.id} ${what} at ${new Date(now).toISOString()}`).toEqual(ref);
              for (const [name, m] of Object.entries((ref.snapshot as { metrics: Record<string, { value: unknown }> }).metrics))
                if (m.value !== null) kinds.add(pack.metrics[name]!.kind);
              compared++;
            }
          };
          deliverAndCompare(stream, s.delivery, apply, compare);
        },
      ),
      { numRuns: RUNS_2026, seed: SEED },
    );
    console.log(`engine v2 (pure) vs reference under the 2026 packs: ${RUNS_2026} model streams, ${compared} evaluations compared`);
    // Every kind of the 2026 packs had a value in some evaluation (the streams reach them).
    const wanted = new Set(
      ["douyin", "pdd", "jd"].flatMap((p) =>
        selectablePacks(p as Platform, shipped)
          .filter((pk) => pk.id !== DEFAULT_PACKS[p as Platform])
          .flatMap((pk) => Object.values(pk.metrics).map((m) => m.kind)),
      ),
    );
    expect([...wanted].filter((k) => !kinds.has(k)).sort()).toEqual([]);
  });

  it("on 200 grid streams (ties, equal instants, exact deadlines, re-used ids), batch by batch", { timeout: 600_000 }, () => {
    let compared = 0;
    for (let run = 0; run < 200; run++) {
      const platform = PLATFORMS[run % 4]!;
      const pack = packFor(platform);
      const { events, moments } = gridStream(platform, FIRST_DAY + (run % 50) * DAY, run * 7919 + 13);
      let state = emptyShopState();
      // Half the runs apply every event at once, half in arrival order one by one, each evaluated at every moment.
      const batches = run % 2 === 0 ? [events] : events.map((e) => [e]);
      const now = Math.max(...events.map((e) => Number(e.at)));
      for (const b of batches)
        state = applyEvents(
          pack,
          state,
          b.map((event) => ({ event, atMs: Number(event.at) })),
          now,
        ).state;
      for (const asOf of moments.filter((m) => m >= now)) {
        const out = evaluateState(state, { platform, shopId: "m1", now: asOf, pack });
        const ref = refView(platform, events, asOf);
        expect(v2View(out.evaluation, ref, asOf), `run ${run} at ${new Date(asOf).toISOString()}`).toEqual(ref);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});

describe("the seen-id index (pure)", () => {
  const pack = packFor("douyin");
  const at = Date.parse("2026-03-10T10:00:00+08:00");
  const now = at + 3_600_000;
  const ev = (id: string, type: string, t: number, extra: Record<string, unknown>) =>
    ({ id, type, platform: "douyin", shopId: "m1", at: t, ...extra }) as unknown as CanonicalEvent;
  const step = (s: ShopState, events: CanonicalEvent[], t = now) =>
    applyEvents(
      pack,
      s,
      events.map((event) => ({ event, atMs: Number(event.at) })),
      t,
    );
  const paid = ev("e1", "order.paid", at, { orderId: "o1", amount: 10 });

  it("a re-used id with a different body changes nothing, in a later step or later in the same step", () => {
    const once = step(emptyShopState(), [paid]).state;
    for (const other of [
      ev("e1", "order.paid", at - 60_000, { orderId: "o1", amount: 10 }),
      ev("e1", "order.cancelled", at + 60_000, { orderId: "o1" }),
      ev("e1", "chat.message", at, { consumerId: "u1", sender: "consumer" }),
    ]) {
      const later = step(once, [other]);
      expect(later.changed).toBe(0);
      expect(later.state.records).toEqual(once.records);
      expect(later.state.days).toEqual(once.days);
      expect(later.state.pending).toEqual(once.pending);
      const same = step(emptyShopState(), [paid, other]);
      expect(same.state.records).toEqual(once.records);
      expect(same.state.days).toEqual(once.days);
    }
  });

  it("forgets an id once its event is past the retention (90 days), when such an event is refused anyway", () => {
    const once = step(emptyShopState(), [paid]).state;
    const late = at + 91 * DAY;
    const again = step(once, [ev("e1", "chat.message", late - 60_000, { consumerId: "u1", sender: "consumer" })], late);
    expect(again.changed).toBe(1);
    expect([...again.state.seen.values()]).toHaveLength(1);
  });
});
