import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PLATFORMS, shanghaiDayOf, type CanonicalEvent } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { deliveryPlan, modelStream } from "../../testing/model-streams.js";
import { applyEvents, emptyShopState, evaluateState, type ShopState } from "../incremental/shop-state.js";
import { REFERENCE_EVIDENCE_KINDS, referenceEvidence } from "../reference/evidence.js";
import { metricItems } from "./shop-evidence.js";

/**
 * Engine v2's evidence (engine/evidence over its stored records) against the reference's (engine/reference/
 * evidence.ts, restated from the spec over the full history): the same items, outcomes and days, on random
 * model streams delivered shuffled with duplicates, at every evaluation. model.int.test.ts does the same over
 * a real Redis.
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_EVIDENCE_RUNS ?? 40);

const spec = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  pack: fc.nat(),
  day: fc.integer({ min: 0, max: 50 }),
  consumers: fc.array(fc.integer(), { maxLength: 12, size: "max" }),
  orders: fc.array(fc.integer(), { maxLength: 20, size: "max" }),
  goodReplies: fc.constantFrom(0.15, 0.4, 0.8),
  compete: fc.constantFrom(0, 0.4, 1),
  delivery: fc.integer(),
});

type Row = string;
const row = (x: { scope: string; id: string; consumerId?: string | undefined; outcome: string }, day: string): Row =>
  `${x.outcome} ${x.scope} ${x.consumerId ?? ""}/${x.id} ${day}`;

describe("engine v2's evidence equals the reference's", () => {
  it(`on ${RUNS} model streams, the kinds the reference restates (${REFERENCE_EVIDENCE_KINDS.length})`, { timeout: 300_000 }, () => {
    const compared = new Map<string, number>();
    fc.assert(
      fc.property(spec, (s) => {
        const packs = selectablePacks(s.platform);
        const pack = packs[s.pack % packs.length]!;
        const stream = modelStream({ ...s, shopId: "m1", dayStartMs: FIRST_DAY + s.day * DAY });
        let state: ShopState = emptyShopState();
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
        const check = (now: number) => {
          const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, pack });
          state = out.state;
          const lists = metricItems(
            [...state.records].map(([k, r]) => [k, r.rec]),
            pack,
            now,
            {},
          );
          const ref = referenceEvidence({ events: [...delivered.values()], asOf: now, pack });
          for (const [name, refItems] of ref) {
            const def = pack.metrics[name]!;
            const mine = (lists.get(name) ?? []).map((it) => row(it, shanghaiDayOf(it.at))).sort();
            const theirs = refItems.map((it) => row(it, shanghaiDayOf(it.countsOn))).sort();
            expect(mine, `${pack.id} ${name} (${def.kind}) at ${new Date(now).toISOString()}`).toEqual(theirs);
            compared.set(def.kind, (compared.get(def.kind) ?? 0) + mine.length);
          }
        };
        for (const step of deliveryPlan(stream, s.delivery, { concurrent: 0, race: 0, reuse: 0.05 })) {
          if (step.kind === "apply" || step.kind === "race") apply(step.events, step.now);
          else if (step.kind === "concurrent") for (const part of step.parts) apply(part, step.now);
          else if (step.kind === "evaluate") check(step.now);
        }
        check(stream.asOf);
      }),
      { numRuns: RUNS, seed: 20_261_206 },
    );
    console.log(`evidence items compared per kind: ${JSON.stringify(Object.fromEntries(compared))}`);
    expect(compared.size).toBeGreaterThan(3);
  });
});
