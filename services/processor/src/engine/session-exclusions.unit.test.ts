import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLATFORMS, type CanonicalEvent } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { evaluateShop, type ShopEvaluation } from "./evaluate.js";
import { referenceEvaluate } from "./reference/index.js";
import { accountingFor } from "./incremental/accounting.js";
import { applyEvents, emptyShopState, evaluateState, type ShopState } from "./incremental/shop-state.js";
import { deliveryPlan, modelStream, runDeliveryPlan } from "../testing/model-streams.js";
import { evidenceSides } from "../testing/evidence-agreement.js";

/**
 * Session-scope exclusions (docs/exclusions.md "Sessions") in the three pure engines: random chat streams whose
 * consumers' waits, JD sessions and rating cards are named by session exclusions (model-exclusions.ts: pending,
 * approved, rejected, requested before or after the item, ids that name nothing), delivered shuffled with
 * duplicates, each evaluation compared across engine v2's pure part (shop-state.ts, incrementally applied), the
 * full-history `evaluateShop` and the reference: metrics, `ifApproved`, alerts, the board's queue,
 * `pendingExclusions` (without the score, which the reference does not compute) and the evidence's items.
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_SESSION_RUNS ?? 40);
const SEED = Number(process.env.SG_SESSION_SEED ?? 20_261_206);

type Snap = ShopEvaluation["snapshot"];
const view = (snapshot: Pick<Snap, "metrics" | "alerts" | "pendingExclusions">, due: unknown) => ({
  metrics: snapshot.metrics,
  alerts: snapshot.alerts,
  due,
  pendingExclusions: snapshot.pendingExclusions?.map(({ scoreIfApproved: _score, ...p }) => p),
});
/** Score alerts are a layer engine v2 and evaluateShop add over the metrics; the reference restates none. */
const metricAlerts = (s: Snap) => ({ ...s, alerts: s.alerts.filter((a) => a.kind === "threshold" || a.kind === "at_risk") });

const spec = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  day: fc.integer({ min: 0, max: 50 }),
  consumers: fc.array(fc.integer(), { minLength: 1, maxLength: 12, size: "max" }),
  goodReplies: fc.constantFrom(0.15, 0.4, 0.8),
  compete: fc.constantFrom(0, 0.5, 1),
  exclusions: fc.constantFrom(0.3, 0.6),
  pack: fc.nat(),
  delivery: fc.integer(),
});

describe("session exclusions: engine v2 (pure), evaluateShop and the reference agree", () => {
  it(`on ${RUNS} random chat streams with session exclusions`, { timeout: 600_000 }, () => {
    let compared = 0;
    let sessionPending = 0;
    let sessionChanged = 0;
    let evidenceExcluded = 0;
    fc.assert(
      fc.property(spec, (s) => {
        const packs = selectablePacks(s.platform);
        const pack = packs[s.pack % packs.length]!;
        const acc = accountingFor(s.platform);
        const stream = modelStream({ ...s, orders: [], shopId: "m1", dayStartMs: FIRST_DAY + s.day * DAY });
        let state: ShopState = emptyShopState();
        const delivered = new Map<string, CanonicalEvent>();
        const apply = (events: CanonicalEvent[], now: number) => {
          for (const e of events) if (!delivered.has(e.id)) delivered.set(e.id, e);
          state = applyEvents(
            acc.pack,
            state,
            events.map((event) => ({ event, atMs: Number(event.at) })),
            now,
            Infinity,
            acc.chatKeepDays,
            acc.retention.closedKeepMs,
          ).state;
        };
        const compare = (now: number, what: string) => {
          const seen = [...delivered.values()];
          const at = `${what} at ${new Date(now).toISOString()} (${pack.id})`;
          const ref = referenceEvaluate({ platform: s.platform, shopId: "m1", events: seen, asOf: now, pack });
          const want = view(ref.snapshot, ref.due);
          const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, shop: { pack: pack.id } });
          state = out.state;
          if (out.evaluation !== undefined)
            expect(view(metricAlerts(out.evaluation.snapshot), out.evaluation.due), `engine v2, ${at}`).toEqual(want);
          else expect(delivered.size, `${at}: no state after events`).toBe(0);
          const pure = evaluateShop({ platform: s.platform, shopId: "m1", events: seen, asOf: now, pack });
          expect(view(metricAlerts(pure.snapshot), pure.due), `evaluateShop, ${at}`).toEqual(want);
          for (const side of evidenceSides({ records: [...state.records].map(([k, r]) => [k, r.rec]), events: seen, pack, asOf: now })) {
            expect(side.engine, `evidence of ${side.metric}, ${at}`).toEqual(side.reference);
            evidenceExcluded += side.engine.filter((r) => r.startsWith("excluded session")).length;
          }
          sessionPending += (ref.snapshot.pendingExclusions ?? []).filter((p) => p.scope === "session").length;
          // What the session exclusions changed: the same evaluation without them.
          const without = referenceEvaluate({
            platform: s.platform,
            shopId: "m1",
            events: seen.filter((e) => !(e.type.startsWith("exclusion.") && (e as { scope?: string }).scope === "session")),
            asOf: now,
            pack,
          });
          const values = (r: typeof ref) => JSON.stringify(Object.values(r.snapshot.metrics).map((m) => [m.value, m.ifApproved?.value]));
          if (values(without) !== values(ref)) sessionChanged++;
          compared++;
        };
        runDeliveryPlan(deliveryPlan(stream, s.delivery), stream.asOf, apply, compare);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(
      `session exclusions: ${RUNS} streams, ${compared} evaluations compared, ${sessionChanged} changed by session exclusions, ` +
        `${sessionPending} pending session exclusions listed, ${evidenceExcluded} session items listed excluded, seed ${SEED}`,
    );
    expect(compared).toBeGreaterThan(RUNS);
    // The streams exercise what they are for: session exclusions that change numbers, pending ones, excluded evidence.
    expect(sessionChanged).toBeGreaterThan(0);
    expect(sessionPending).toBeGreaterThan(0);
    expect(evidenceExcluded).toBeGreaterThan(0);
  });
});
