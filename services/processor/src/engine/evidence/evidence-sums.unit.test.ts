import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CanonicalEvent } from "@sg/events";
import { selectablePacks } from "@sg/rules";
import { deliveryPlan, modelStream } from "../../testing/model-streams.js";
import { applyEvents, emptyShopState, evaluateState, type ShopState } from "../incremental/shop-state.js";
import { metricItems } from "./shop-evidence.js";
import { shopCalendar } from "../calendar-entries.js";
import { modelCalendar } from "../../testing/model-calendars.js";
import { smallModelSpec } from "../../testing/small-model-spec.js";

/**
 * The items listed for a metric add up to its numbers: the counted items' parts sum to the numerator and
 * denominator engine v2 measured from its per-day aggregates, a count's bad items are its value, and the
 * pending items are its `pending`. Two computations of engine v2 (the items from the records, the sums from
 * the aggregates) on random model streams of every platform and every selectable pack.
 */

const DAY = 86_400_000;
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");
const RUNS = Number(process.env.SG_EVIDENCE_RUNS ?? 40);

const spec = smallModelSpec;

const close = (a: number | undefined, b: number | undefined) => Math.abs((a ?? 0) - (b ?? 0)) < 1e-6;

/**
 * `calendars`: each stream with a random calendar (testing/model-calendars.ts): the items a suspension or an
 * excluded region leaves out are listed as `excluded`, counting nothing, and extended deadlines decide the rest,
 * so the items still add up to the numbers engine v2 measured under the same calendar.
 */
function itemsAddUp(calendars: boolean): void {
  const compared = new Map<string, number>();
  let leftOut = 0;
  fc.assert(
    fc.property(spec, (s) => {
      const packs = selectablePacks(s.platform);
      const pack = packs[s.pack % packs.length]!;
      const dayStartMs = FIRST_DAY + s.day * DAY;
      const stream = modelStream({ ...s, shopId: "m1", dayStartMs });
      const calendar = calendars ? shopCalendar(modelCalendar(s.delivery, s.platform, "m1", dayStartMs), s.platform, "m1") : undefined;
      const shop = calendar ? { calendar } : {};
      let state: ShopState = emptyShopState();
      const check = (now: number) => {
        const out = evaluateState(state, { platform: s.platform, shopId: "m1", now, pack, shop });
        state = out.state;
        if (!out.evaluation) return;
        const records = [...state.records].map(([k, r]) => [k, r.rec] as [string, (typeof r)["rec"]]);
        const lists = metricItems(records, pack, now, shop);
        for (const [name, def] of Object.entries(pack.metrics)) {
          const m = out.evaluation.snapshot.metrics[name]!;
          const items = lists.get(name)!;
          const where = `${pack.id} ${name} (${def.kind}) at ${new Date(now).toISOString()}`;
          const pending = items.filter((i) => i.outcome === "pending").length;
          if (m.pending !== undefined) expect(pending, `${where}: pending`).toBe(m.pending);
          if (def.kind === "jd_service_score") continue;
          if (m.denominator !== undefined) {
            const n = items.reduce((t, i) => t + i.n, 0);
            const d = items.reduce((t, i) => t + i.d, 0);
            expect(close(d, m.denominator), `${where}: denominator ${d} vs ${m.denominator}`).toBe(true);
            expect(close(n, m.numerator), `${where}: numerator ${n} vs ${m.numerator}`).toBe(true);
          } else {
            expect(
              close(
                items.reduce((t, i) => t + i.n, 0),
                m.value ?? 0,
              ),
              `${where}: count`,
            ).toBe(true);
          }
          compared.set(def.kind, (compared.get(def.kind) ?? 0) + items.length);
          leftOut += items.filter((i) => i.leftOut?.by === "calendar").length;
        }
      };
      for (const step of deliveryPlan(stream, s.delivery, { concurrent: 0, race: 0, reuse: 0.05 })) {
        const apply = (events: CanonicalEvent[], now: number) => {
          const timed = events.map((event) => ({ event, atMs: Number(event.at) }));
          state = applyEvents(pack, state, timed, now, Infinity, undefined, undefined, calendar).state;
        };
        if (step.kind === "apply" || step.kind === "race") apply(step.events, step.now);
        else if (step.kind === "concurrent") for (const part of step.parts) apply(part, step.now);
        else if (step.kind === "evaluate") check(step.now);
      }
      check(stream.asOf);
    }),
    { numRuns: RUNS, seed: calendars ? 20_261_206 : 20_261_118 },
  );
  console.log(`items listed per kind: ${JSON.stringify(Object.fromEntries(compared))}; ${leftOut} left out by a calendar`);
  expect(compared.size).toBeGreaterThan(5);
  if (calendars) expect(leftOut).toBeGreaterThan(0);
}

describe("a metric's items add up to its numbers", () => {
  it(`on ${RUNS} model streams, every pack of every platform, at every evaluation`, { timeout: 300_000 }, () => itemsAddUp(false));
  it(`on ${RUNS} model streams with a random calendar, every pack of every platform`, { timeout: 300_000 }, () => itemsAddUp(true));
});
