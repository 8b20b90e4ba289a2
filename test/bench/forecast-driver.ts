/**
 * The pure forecast of the bench's busy shop under the eval row's pack (douyin latest) by one points source
 * (MODE: numbers, the processor's; cols, the evaluated columns before them): its time and its allocation per
 * forecast (heapUsed before and after, forecasts with a GC inside left out; run with a large new space, e.g.
 * `node --max-semi-space-size=128 --import tsx test/bench/forecast-driver.ts`). FROZEN=1 hands the forecast the
 * aggregates frozen and the same objects while their content is (as the processor's aggregate cache does);
 * REPS forecasts per evaluation; HEAP_SAMPLE=<file> writes V8 allocation samples of each forecast.
 */
import { performance, PerformanceObserver } from "node:perf_hooks";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { busyShopMonth } from "./forecast.js";
import { ForecastProjections, forecastMoments, forecastSourceOfState } from "../../services/processor/src/engine/forecast/index.js";
import { forecastBy, pointsByColumns, type PointsSource } from "../../services/processor/src/engine/forecast/forecast.js";
import { evaluatedPoints } from "../../services/processor/src/engine/forecast/points.js";
import { pointsByNumbers } from "../../services/processor/src/engine/forecast/numeric-points.js";
import { emptyShopState, evaluateState } from "../../services/processor/src/engine/incremental/shop-state.js";
import { median, pct } from "./measure.js";

const modes: Record<string, PointsSource> = { cols: evaluatedPoints(pointsByColumns), numbers: pointsByNumbers };
const mode = process.env.MODE ?? "cols";
const reps = Number(process.env.REPS ?? 1);
const perDay = 4000;
const evals = Number(process.env.BENCH_EVALS ?? 100);
const stepMs = 36_000;
const overrides = { pack: process.env.PACK ?? "latest" };
const start = Date.parse(process.env.START ?? "2026-12-04T15:00:00+08:00");
const end = start + evals * stepMs;
const { shop, packs, store, apply } = busyShopMonth({ perDay, start, end, overrides });
let state = apply(emptyShopState(), -Infinity, start);
const input = (now: number) => ({ ...shop, now, shop: overrides, pack: packs.evaluate, slots: packs.slots, store });
const key = `${shop.platform}:${shop.shopId}`;
const kept = new ForecastProjections();
const gcAt: { t0: number; t1: number }[] = [];
new PerformanceObserver((l) => l.getEntries().forEach((e) => gcAt.push({ t0: e.startTime, t1: e.startTime + e.duration }))).observe({
  entryTypes: ["gc"],
});
const spans: { t0: number; t1: number; h: number }[] = [];
const g = (globalThis as { gc?: () => void }).gc;
const ms: number[] = [];
const canon = new Map<string, object>();
const srcBytes: number[] = [];
const session = process.env.HEAP_SAMPLE ? new Session() : undefined;
session?.connect();
const post = (m: string, p?: object) => session?.post(m as "HeapProfiler.enable", p as never);
await post("HeapProfiler.enable");
const bytes: number[] = [];
let inGc = 0;
for (let i = 0; i <= evals; i++) {
  const now = start + i * stepMs;
  if (i > 0) state = apply(state, now - stepMs, now);
  const ev = evaluateState(state, { ...shop, now, shop: overrides });
  // FROZEN=1: the aggregates as the processor's aggregate cache hands them (state/aggregate-cache.ts): frozen, the
  // same objects from one evaluation to the next while their content is the same.
  if (process.env.FROZEN && ev.aggregates) {
    const same = <T extends object>(x: T): T => {
      const k = JSON.stringify(x);
      let o = canon.get(k) as T | undefined;
      if (!o) canon.set(k, (o = Object.freeze(Array.isArray(x) ? x.map((i: object) => Object.freeze(i)) : x) as T));
      return o;
    };
    ev.aggregates.days = new Map([...ev.aggregates.days].map(([d, r]) => [d, same(r)]));
    ev.aggregates.cur = same(ev.aggregates.cur);
    ev.aggregates.pending = same(ev.aggregates.pending);
  }
  state = ev.state;
  for (let r = 0; r < reps; r++) {
    if (process.env.GC_EACH) g?.();
    const h0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    if (i > 0)
      await post("HeapProfiler.startSampling", {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    const src = forecastSourceOfState(state, packs.evaluate, now, ev.aggregates);
    const hs = process.memoryUsage().heapUsed - h0;
    if (i > 0) srcBytes.push(hs);
    forecastBy(modes[mode]!, input(now), ev.evaluation!, src, kept.of(key, now, store, forecastMoments(now)));
    const t = performance.now() - t0;
    const h = process.memoryUsage().heapUsed - h0;
    if (session && i > 0) {
      const r = (await session.post("HeapProfiler.stopSampling")) as { profile: unknown };
      (globalThis as { profs?: unknown[] }).profs ??= [];
      (globalThis as { profs?: unknown[] }).profs!.push(r.profile);
    }
    if (i === 0) continue;
    ms.push(t);
    spans.push({ t0, t1: t0 + t, h });
  }
}
await new Promise((res) => setTimeout(res, 50));
if (session) writeFileSync(process.env.HEAP_SAMPLE!, JSON.stringify((globalThis as { profs?: unknown[] }).profs));
for (const s of spans) {
  if (gcAt.some((x) => x.t0 < s.t1 && x.t1 > s.t0)) inGc++;
  else bytes.push(s.h);
}
console.log(
  `${mode} pack ${packs.evaluate.id}: forecast median ${median(ms).toFixed(3)} p90 ${pct(ms, 0.9).toFixed(3)} p99 ${pct(ms, 0.99).toFixed(3)} ms; ` +
    `source ${(median(srcBytes) / 1024).toFixed(1)} KB; ` +
    (bytes.length ? `alloc median ${(median(bytes) / 1024).toFixed(1)} KB (${bytes.length} samples, ${inGc} with a GC)` : ""),
);
