import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { PLATFORMS, type CanonicalEvent, type Platform } from "@sg/events";
import { createRedis, deleteByPrefix, type RedisClient } from "@sg/redis";
import { DEFAULT_PACKS, packFor, selectablePacks, type RulePack } from "@sg/rules";
import { testInfra, uniqueName } from "@sg/test";
import { evaluateShop, type ShopSnapshot } from "./engine/evaluate.js";
import { referenceEvaluate, referenceRollOff } from "./engine/reference/index.js";
import { ForecastProjections } from "./engine/forecast/index.js";
import { forecastFromStore, forecastPrefetch, forecastReads, type EvaluationInputs } from "./state/forecast-reader.js";
import type { MetricOutput } from "./engine/types.js";
import { EntityStore, packInForce, type ShopEvents } from "./state/entity-store.js";
import { EvidenceProjection } from "./publish/evidence-projection.js";
import { evidenceSides } from "./testing/evidence-agreement.js";
import { deliveryPlan, modelStream, type DeliveryStep, type ModelStream } from "./testing/model-streams.js";
import { modelCalendar } from "./testing/model-calendars.js";
import { shopCalendar } from "./engine/calendar-entries.js";

/**
 * The incremental engine (EntityStore over a real redis-server) against the independent reference model
 * (engine/reference, restated from the spec and sharing no rule with the engine), on random streams of all four platforms whose facts compete (model-streams.ts: several
 * after-sales per order, rival first and last facts arriving late, several conversations per consumer across
 * days), delivered shuffled, with ~30% duplicates and ~5% ids re-used with another body (the first seen wins), batches redelivered, restarts, two instances applying at
 * once (one commit refused and recomputed), applies racing an evaluation, and the clock moving while events
 * arrive. Every evaluation on the way is compared (metrics, alerts, the board's queue and the next wake-up,
 * with the events delivered so far), and the final one at an asOf after every event. `SG_MODEL_RUNS` sets
 * the count (`npm run test:model`: 10,000) and draws random seeds; without it the run is seeded by FIXED_SEED.
 */
const RUNS = Number(process.env.SG_MODEL_RUNS ?? 120);
/** The base seed of the default run (fast-check seeds its runs from it). */
const FIXED_SEED = 20_260_125;
const DAY = 86_400_000;
/** Asia/Shanghai midnights from late January to March: month windows start, end and roll over. */
const FIRST_DAY = Date.parse("2026-01-25T00:00:00+08:00");

interface Coverage {
  data: boolean;
  /** Ratios: an evaluation with both good and bad items (0 < numerator < denominator). Averages, counts, scores: values on both sides of the limit. */
  mixed: boolean;
  values: Set<number>;
  sides: Set<string>;
  /** An evaluation whose value a late fact (one that happened before it, arriving after it) changed. */
  corrected: boolean;
}
const NOT_RATIOS = new Set([
  "delivery_hours",
  "aftersale_awaiting_hours",
  "avg_response_seconds",
  "stalled_shipments",
  "overdue_refund_count",
  "jd_service_score",
]);
const coverage = new Map<string, Coverage>();
for (const p of PLATFORMS)
  for (const m of Object.keys(packFor(p).metrics))
    coverage.set(`${p}/${m}`, { data: false, mixed: false, values: new Set(), sides: new Set(), corrected: false });

function observe(platform: Platform, metrics: Record<string, MetricOutput>) {
  for (const [name, out] of Object.entries(metrics)) {
    const c = coverage.get(`${platform}/${name}`)!;
    if (out.status === "no_data" || out.value === null) continue;
    c.data = true;
    c.values.add(out.value);
    const n = out.numerator;
    const d = out.denominator;
    const def = packFor(platform).metrics[name]!;
    if (!NOT_RATIOS.has(def.kind)) {
      if (n !== undefined && d !== undefined && n > 0 && n < d) c.mixed = true;
    } else {
      // Averages, counts and scores: values on both sides of the metric's limit (or two values if it has none).
      const limit = def.target ?? def.threshold;
      if (limit === null || limit === undefined) c.mixed ||= c.values.size >= 2;
      else {
        c.sides.add(out.value > limit ? "above" : "at_or_below");
        c.mixed ||= c.sides.size === 2;
      }
    }
  }
}

/**
 * The packs of the 2026 rules (douyin@2026-*, pdd@2026, jd@2024): the store accounts them beside the
 * contract-v1 pack, and each is compared at every evaluation as a shop that chose it would be graded.
 */
const PACKS_2026 = new Map<Platform, RulePack[]>(PLATFORMS.map((p) => [p, selectablePacks(p).filter((x) => x.id !== DEFAULT_PACKS[p])]));
/** The kinds of the 2026 packs that had a value in some evaluation. */
const kinds2026 = new Set<string>();
/** Score bonuses and deductions from events that counted in some evaluation (and a capped total). */
const adjusted = new Set<string>();

const spec = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  day: fc.integer({ min: 0, max: 50 }),
  // "max": sizes spread up to the bound (fast-check's default keeps arrays short); shrinking still drops entities.
  consumers: fc.array(fc.integer(), { maxLength: 24, size: "max" }),
  orders: fc.array(fc.integer(), { maxLength: 36, size: "max" }),
  goodReplies: fc.constantFrom(0.15, 0.4, 0.8),
  // How often facts compete (model-streams.ts): never (the streams of old), sometimes, mostly.
  compete: fc.constantFrom(0, 0.4, 0.8, 1),
  // Appeals and exemptions (model-exclusions.ts): none (the streams of old), some, many.
  exclusions: fc.constantFrom(0, 0.15, 0.4),
  delivery: fc.integer(),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function streamOf(s: Spec): { stream: ModelStream; plan: DeliveryStep[] } {
  const stream = modelStream({
    platform: s.platform,
    shopId: "m1",
    dayStartMs: FIRST_DAY + s.day * DAY,
    consumers: s.consumers,
    orders: s.orders,
    goodReplies: s.goodReplies,
    compete: s.compete,
    exclusions: s.exclusions,
  });
  return { stream, plan: deliveryPlan(stream, s.delivery, { concurrent: 0.06, race: 0.06, reuse: 0.05 }) };
}

/**
 * JSON with every object's keys sorted: two views are the same whatever order their fields were set in (an
 * engine's snapshot and the reference's build `ifApproved` and `pendingExclusions` entries in different orders).
 */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
/** What an evaluation shows: the snapshot's metrics and alerts, the board's queue, and when the shop must be evaluated next. */
type Compared = {
  snapshot: Pick<ShopSnapshot, "metrics" | "alerts" | "pendingExclusions"> & {
    scores?: { bonuses: number; deductions: number; adjustments?: unknown };
  };
  due: unknown;
  nextWake: number;
};
/** A score's bonuses and deductions (docs/scores.md "Bonuses and deductions as events"): compared where the pack declares them. */
const adjustmentsOf = (e: Compared) => {
  const s = e.snapshot.scores;
  return s?.adjustments === undefined ? undefined : { bonuses: s.bonuses, deductions: s.deductions, adjustments: s.adjustments };
};
const view = (e: Compared) => ({
  metrics: e.snapshot.metrics,
  alerts: e.snapshot.alerts,
  due: e.due,
  nextWake: e.nextWake,
  adjustments: adjustmentsOf(e),
  // The reference computes no score: each pending exclusion's effect on the metrics is compared.
  pendingExclusions: e.snapshot.pendingExclusions?.map(({ scoreIfApproved: _score, ...p }) => p),
});
/**
 * The store answers undefined for a shop with no state left: no events, or every entity expired and its keys
 * gone (retention by entity: all its facts a month older than asOf). The reference still answers a snapshot then (some
 * count metrics read 0, "ok"); the two are accepted as equal only in that case. Any other undefined fails.
 *
 * `nextWake`: the store also wakes for its own timers (a deadline whose passing changes an entity's
 * contribution but no output, an expiry), so it may wake earlier than the reference, never later and never
 * at or before asOf: such a wake counts as the reference's (`earlyWakes` counts them), any other shows as a difference.
 */
const KEPT_MS = 32 * DAY;
let earlyWakes = 0;
function incView(inc: Compared | undefined, ref: Compared, seen: readonly CanonicalEvent[], asOf: number) {
  if (inc === undefined) {
    const gone = ref.snapshot.alerts.length === 0 && seen.every((e) => Number(e.at) < asOf - KEPT_MS);
    return gone ? view(ref) : undefined;
  }
  const v = view(inc);
  if (v.nextWake > asOf && v.nextWake < ref.nextWake) {
    earlyWakes++;
    v.nextWake = ref.nextWake;
  }
  return v;
}

describe("the incremental engine equals the full-history reference", () => {
  let redis: RedisClient;
  let runs = 0;
  let compared = 0;
  let concurrentApplies = 0;
  let races = 0;
  let refusedCommits = 0;
  let calendarStreams = 0;
  let exclusionStreams = 0;
  let exclusionsChanged = 0;
  let evidenceItems = 0;
  let forecastPoints = 0;
  let forecastsKept = 0;
  const readsBefore = { ...forecastReads };
  beforeAll(() => {
    redis = createRedis(testInfra().redisUrl);
  });
  afterAll(async () => {
    await redis.quit();
  });

  // The budget: up to 5 rounds of RUNS streams (the coverage rounds below), and on streams with exclusions the
  // full-history engine's evaluations beside the reference's (ifApproved and each listed exclusion's effect are
  // whole evaluations), on a machine shared with other runs.
  it(`on ${RUNS} random streams of all four platforms`, { timeout: Math.max(120_000, RUNS * 10_000) }, async () => {
    const started = Date.now();
    const property = fc.asyncProperty(spec, async (s) => {
      runs++;
      const { stream, plan } = streamOf(s);
      const prefix = uniqueName("model");
      const shop = { platform: s.platform, shopId: "m1" };
      // A second instance on the same state, as during a rebalance: concurrent applies and an apply racing an evaluation.
      // A third of the streams run with a random calendar (docs/calendars.md), given to both engines.
      const calendars = s.delivery % 3 === 0 ? modelCalendar(s.delivery, s.platform, "m1", FIRST_DAY + s.day * DAY) : undefined;
      /** A store instance; its deadline extensions and excluded regions apply where contributions are computed. */
      const newStore = () => {
        const st = new EntityStore(redis, prefix);
        st.calendars = calendars;
        return st;
      };
      const other = newStore();
      const projections = new ForecastProjections();
      let store = newStore();
      let refusedBefore = 0;
      /** Every id's first copy, in arrival order: a later copy of an id changes nothing (events.md). */
      const delivered = new Map<string, CanonicalEvent>();
      const deliver = (e: CanonicalEvent) => {
        if (!delivered.has(e.id)) delivered.set(e.id, e);
      };
      const apply = (st: EntityStore, events: CanonicalEvent[], now: number) =>
        st.applyBatch(
          new Map<string, ShopEvents>([["k", { shop, events: events.map((event) => ({ event, atMs: Number(event.at) })) }]]),
          now,
          () => 0,
        );
      const overrides = calendars === undefined ? {} : { calendar: shopCalendar(calendars, s.platform, "m1") };
      if (calendars !== undefined) calendarStreams++;
      // Streams with exclusions (model-exclusions.ts): counted, and their effect checked at the end.
      const excluding = stream.events.some((e) => e.type === "exclusion.requested" || e.type === "exclusion.decided");
      if (excluding) exclusionStreams++;
      const reference = (now: number): Compared =>
        referenceEvaluate({
          platform: s.platform,
          shopId: "m1",
          events: [...delivered.values()],
          asOf: now,
          ...(calendars === undefined ? {} : { calendars }),
        });
      /** `all2026`: also compare every 2026 pack (at the final evaluation: a stream's state after every restart, race and concurrent apply). */
      const compare = async (now: number, all2026 = false) => {
        let used: EvaluationInputs | undefined;
        // As the processor evaluates before a forecast: the forecast's read rides in the evaluation's round trips.
        const rider = forecastPrefetch(store, shop, now, packInForce(shop, overrides, now), overrides, projections);
        const inc = await store.evaluate(shop, now, overrides, (u) => (used = u), rider);
        const seen = [...delivered.values()];
        const ref = reference(now);
        expect(incView(inc, ref, seen, now), `evaluation at ${new Date(now).toISOString()}`).toEqual(view(ref));
        // The forecast as the processor computes it (forecastFromStore: Redis's timed records, the stream's kept
        // projections) against the reference's roll-off (docs/forecast.md); the reference's restatement takes no calendar.
        if (inc && used) {
          const f = await forecastFromStore(store, shop, now, inc, used, projections);
          // The kept projections (brought up to date from the entities written since, or read whole when another
          // instance committed) equal projections read afresh: the whole forecast, both paths.
          const fresh = await forecastFromStore(store, shop, now, inc, used, new ForecastProjections());
          expect(f, `forecast with kept projections at ${new Date(now).toISOString()}`).toEqual(fresh);
          forecastsKept++;
          const roll = calendars === undefined ? referenceRollOff({ platform: s.platform, shopId: "m1", events: seen, now }) : {};
          for (const [name, points] of Object.entries(roll)) {
            expect(f?.metrics[name]?.rollOff.points, `${name} roll-off at ${new Date(now).toISOString()}`).toEqual(points);
            forecastPoints += points.length;
          }
        }
        // The shipping full-history engine against the same reference (after engine v2, so a failure names the engine it is in),
        // with the same calendar and the same exclusions (engine/history-exclusions.ts).
        const pure = evaluateShop({ platform: s.platform, shopId: "m1", events: seen, asOf: now, shop: overrides });
        expect(view(pure), `evaluateShop at ${new Date(now).toISOString()}`).toEqual(view(ref));
        // Engine v2's evidence, listed from the records in Redis, against the reference's (docs/evidence.md).
        const records = await new EvidenceProjection(redis, prefix, (x) => store.keys.entities(x)).records(shop);
        const sides = evidenceSides({
          records,
          events: seen,
          pack: packFor(s.platform),
          asOf: now,
          ...(calendars === undefined ? {} : { calendars: { calendars, shop } }),
        });
        for (const side of sides) {
          expect(side.engine, `evidence of ${side.metric} at ${new Date(now).toISOString()}`).toEqual(side.reference);
          evidenceItems += side.engine.length;
        }
        compared++;
        observe(s.platform, ref.snapshot.metrics);
        for (const pack of all2026 ? PACKS_2026.get(s.platform)! : []) {
          const inc26 = await store.evaluate(shop, now, { ...overrides, pack: pack.id });
          const ref26 = referenceEvaluate({
            platform: s.platform,
            shopId: "m1",
            events: seen,
            asOf: now,
            pack,
            ...(calendars === undefined ? {} : { calendars }),
          });
          expect(incView(inc26, ref26, seen, now), `${pack.id} evaluation at ${new Date(now).toISOString()}`).toEqual(view(ref26));
          for (const [name, out] of Object.entries(ref26.snapshot.metrics)) if (out.value !== null) kinds2026.add(pack.metrics[name]!.kind);
          const adj = ref26.snapshot.scores?.adjustments;
          if (adj)
            for (const x of [...adj.bonuses.map((b) => `bonus:${b.source}`), ...adj.deductions.map((d) => `deduction:${d.source}`)])
              adjusted.add(x);
          if (adj && adj.uncapped > (adj.cap ?? Infinity)) adjusted.add("capped");
          compared++;
        }
        return ref;
      };
      try {
        for (const step of plan) {
          if (step.kind === "restart") {
            refusedBefore += store.refusedCommits;
            store = newStore();
          } else if (step.kind === "apply") {
            for (const e of step.events) deliver(e);
            await apply(store, step.events, step.now);
          } else if (step.kind === "concurrent") {
            const refused = store.refusedCommits + other.refusedCommits;
            await Promise.all([apply(store, step.parts[0], step.now), apply(other, step.parts[1], step.now)]);
            for (const e of step.parts.flat()) deliver(e);
            // Both loads are read before either commit: the second commit met the first one's state.
            expect(store.refusedCommits + other.refusedCommits, "a concurrent apply's commit was refused").toBeGreaterThan(refused);
            concurrentApplies++;
            await compare(step.now);
          } else if (step.kind === "race") {
            const before = reference(step.now);
            const seenBefore = [...delivered.values()];
            const [, raced] = await Promise.all([apply(store, step.events, step.now), other.evaluate(shop, step.now, overrides)]);
            for (const e of step.events) deliver(e);
            // The racing evaluation saw the state before the batch or after it, never a mix.
            const after = reference(step.now);
            if (canonical(incView(raced, before, seenBefore, step.now)) !== canonical(view(before))) {
              expect(incView(raced, after, [...delivered.values()], step.now), "an evaluation racing an apply").toEqual(view(after));
            }
            races++;
            await compare(step.now);
          } else {
            const ref = await compare(step.now);
            // Exclusions always arrive late by design (deliveryPlan): they would mark every metric corrected.
            if (calendars !== undefined || excluding) continue;
            // What the shop would show had every fact that happened by now arrived: a difference is a
            // late fact that the engine must correct later.
            const hindsight = evaluateShop({
              platform: s.platform,
              shopId: "m1",
              events: stream.events.filter((e) => Number(e.at) <= step.now),
              asOf: step.now,
            }).snapshot;
            for (const [name, out] of Object.entries(hindsight.metrics)) {
              if (JSON.stringify(out) !== JSON.stringify(ref.snapshot.metrics[name]))
                coverage.get(`${s.platform}/${name}`)!.corrected = true;
            }
          }
        }
        expect([...delivered.keys()].sort(), "every event was delivered").toEqual(stream.events.map((e) => e.id).sort());
        const final = await compare(stream.asOf, true);
        if (excluding) {
          // The stream's exclusions changed a number (or not): the runs must have some that did.
          const without = referenceEvaluate({
            platform: s.platform,
            shopId: "m1",
            events: [...delivered.values()].filter((e) => !e.type.startsWith("exclusion.")),
            asOf: stream.asOf,
            ...(calendars === undefined ? {} : { calendars }),
          });
          if (canonical(without.snapshot.metrics) !== canonical(final.snapshot.metrics)) exclusionsChanged++;
        }
        refusedCommits += refusedBefore + store.refusedCommits + other.refusedCommits;
      } finally {
        await deleteByPrefix(redis, prefix);
      }
    });
    // SG_MODEL_SEED (and SG_MODEL_PATH) replay a reported failure. Without SG_MODEL_RUNS (npm test) the
    // streams come from a fixed seed, so a run fails or passes the same every time; a run with
    // SG_MODEL_RUNS draws random seeds and prints them.
    const seed = process.env.SG_MODEL_SEED ?? (process.env.SG_MODEL_RUNS === undefined ? String(FIXED_SEED) : undefined);
    // SG_MODEL_NO_SHRINK=1: stop at the first failure, unshrunk (a long stream's shrinking can outlast the timeout); its seed and stream are printed below.
    const replay = {
      ...(seed === undefined ? {} : { seed: Number(seed), path: process.env.SG_MODEL_PATH }),
      ...(process.env.SG_MODEL_NO_SHRINK === "1" ? { endOnFailure: true } : {}),
    };
    const seeds: number[] = [];
    const missingCoverage = () => {
      const missing: string[] = [];
      for (const [key, c] of coverage) {
        if (!c.data) missing.push(`${key}: never had data`);
        else if (!c.mixed) missing.push(`${key}: never had both good and bad items`);
        if (!c.corrected) missing.push(`${key}: never corrected by a late fact`);
      }
      return missing;
    };
    let result = await fc.check(property, { numRuns: RUNS, ...replay });
    seeds.push(result.seed);
    // Rare metrics (a late fact that changes a 30-day mean) may be missed by one random sample of RUNS
    // streams: more streams are drawn, at most 4 more times RUNS, until every metric was exercised. The
    // coverage assertion below still fails if they never are.
    for (let extra = 0; !result.failed && extra < 4 && missingCoverage().length > 0; extra++) {
      result = await fc.check(property, {
        numRuns: RUNS,
        ...(replay.seed === undefined ? {} : { seed: replay.seed + extra + 1 }),
        ...(replay.endOnFailure ? { endOnFailure: true } : {}),
      });
      seeds.push(result.seed);
    }
    const ms = Date.now() - started;
    console.log(
      `model: ${runs} runs (incl. shrinking), ${compared} evaluations compared (${earlyWakes} woke earlier than the reference, ${concurrentApplies} after concurrent applies, ` +
        `${races} after an apply racing an evaluation; ${refusedCommits} commits refused and retried; ${calendarStreams} streams with a calendar; ${exclusionStreams} with exclusions, ${exclusionsChanged} changed by them; ` +
        `${evidenceItems} evidence items and ${forecastPoints} roll-off points compared; ${forecastsKept} forecasts with kept projections equal to fresh ones, ` +
        `their timed entities read ${forecastReads.changed - readsBefore.changed} times as the entities written since (${forecastReads.prefetched - readsBefore.prefetched} in the evaluation's round trips, ${forecastReads.prefetchedAfterCommit - readsBefore.prefetchedAfterCommit} of them after its commit), ${forecastReads.all - readsBefore.all} times whole), ${ms} ms, ` +
        `${seed === undefined ? "random" : "fixed"} seed${seeds.length > 1 ? "s" : ""} ${seeds.join(", ")}`,
    );
    if (result.failed) {
      const s = result.counterexample![0];
      const { stream, plan } = streamOf(s);
      const jsonl = stream.events.map((e) => JSON.stringify(e)).join("\n");
      const file = `/tmp/model-counterexample-${result.seed}.jsonl`;
      writeFileSync(file, jsonl + "\n");
      writeFileSync(
        file.replace(/\.jsonl$/, ".plan.json"),
        JSON.stringify({ spec: s, asOf: stream.asOf, late: Object.fromEntries(stream.late), plan }, null, 1),
      );
      console.log(
        `shrunk counterexample (${stream.events.length} events, asOf ${new Date(stream.asOf).toISOString()}) -> ${file}\n${jsonl}`,
      );
      throw new Error(fc.defaultReportMessage(result) ?? "model property failed", { cause: result.errorInstance });
    }

    // The runs exercised every metric of every pack (the random streams count),
    // and the two instances' commits met: refused commits were recomputed and retried.
    expect(missingCoverage()).toEqual([]);
    const wanted = new Set([...PACKS_2026.values()].flat().flatMap((p) => Object.values(p.metrics).map((m) => m.kind)));
    expect([...wanted].filter((k) => !kinds2026.has(k)).sort(), "2026 kinds never with a value").toEqual([]);
    expect([...adjusted].sort(), "score bonuses and deductions from events").toEqual(["bonus:event", "capped", "deduction:event"]);
    expect(concurrentApplies).toBeGreaterThan(0);
    expect(races).toBeGreaterThan(0);
    expect(calendarStreams).toBeGreaterThan(0);
    expect(forecastPoints).toBeGreaterThan(0);
    expect(forecastReads.changed - readsBefore.changed).toBeGreaterThan(0);
    expect(forecastReads.prefetched - readsBefore.prefetched).toBeGreaterThan(0);
    expect(forecastReads.prefetchedAfterCommit - readsBefore.prefetchedAfterCommit).toBeGreaterThan(0);
    expect(exclusionStreams).toBeGreaterThan(0);
    expect(exclusionsChanged).toBeGreaterThan(0);
    expect(refusedCommits).toBeGreaterThanOrEqual(concurrentApplies);
  });
});
