/**
 * The busy shop's evaluations in a process of their own (the eval section's child row, engine-v2.ts): this
 * process holds no synthetic history (the parent loaded it into Redis under BENCH_CHILD_PREFIX), so its heap is
 * what a processor's is for one shop, not the bench's 110k events. It runs one evaluation at BENCH_CHILD_NOW,
 * then BENCH_CHILD_EVALS more on a clock moving BENCH_EVAL_STEP_MS each (timers come due, the sweep runs), each
 * followed by the forecast as the processor runs it (timed apart), and prints one JSON line: per evaluation
 * its wall time, this process's CPU time, the GC pauses inside it (perf_hooks), and the run-queue waits of
 * this process's main thread and of Redis's (/proc/<pid>/schedstat: time ready but not running).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { performance, PerformanceObserver, constants, type PerformanceEntry } from "node:perf_hooks";
import type { Platform } from "@sg/events";
import { EntityStore, packInForce } from "@sg/processor/state";
import type { EvaluationRider } from "../../services/processor/src/state/entity-store.js";
import { createRedis } from "@sg/redis";
import { ForecastProjections, forecastMoments } from "../../services/processor/src/engine/forecast/index.js";
import { forecastFromStore, forecastPrefetch, type EvaluationInputs } from "../../services/processor/src/state/forecast-reader.js";
import { socketBytesIn } from "./measure.js";

/** One evaluation as measured here. */
export interface ChildEval {
  wallMs: number;
  cpuMs: number;
  gcMs: number;
  majorGcMs: number;
  nodeWaitMs: number;
  redisWaitMs: number;
  bytes: number;
  /** The forecast's wall time, plus its rider's own work inside the evaluation (made, queued, replies taken). */
  forecastMs: number;
  /** The forecast's CPU time (this process) and the GC pauses inside it. */
  forecastCpuMs: number;
  forecastGcMs: number;
  /** Timed entities the forecast's kept projections recomputed (those written since the last forecast). */
  recomputed: number;
}
export interface ChildReport {
  evals: ChildEval[];
  gc: { count: number; ms: number; majorCount: number; majorMs: number };
  heapUsedMb: number;
  redisPid: number;
}

/** Nanoseconds the thread has waited on a run queue (second field of schedstat); NaN where unreadable. */
function runQueueWaitMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e6;
  } catch {
    return NaN;
  }
}

async function main() {
  const env = (k: string) => {
    const v = process.env[k];
    if (v === undefined) throw new Error(`eval-child: ${k} is not set`);
    return v;
  };
  const prefix = env("BENCH_CHILD_PREFIX");
  const now0 = Number(env("BENCH_CHILD_NOW"));
  const evals = Number(env("BENCH_CHILD_EVALS"));
  const stepMs = Number(env("BENCH_EVAL_STEP_MS"));
  const choice = process.env.BENCH_PACK || undefined;
  const overrides = choice ? { pack: choice } : {};
  const shop = { platform: env("BENCH_CHILD_PLATFORM") as Platform, shopId: env("BENCH_CHILD_SHOP") };
  const own = createRedis(env("REDIS_URL"));
  await own.ping();
  const redisPid = Number(/process_id:(\d+)/.exec(await own.info("server"))?.[1] ?? NaN);
  const store = new EntityStore(own, prefix);
  const projections = new ForecastProjections();
  const gcs: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ["gc"] });
  let used: EvaluationInputs | undefined;
  // As the processor evaluates before a forecast: the forecast's read rides in the evaluation's round trips.
  // The rider's own work inside the evaluation (made, queued, its replies taken) is timed and added to the
  // forecast's figure: what the forecast adds to an evaluation includes it (the evaluation's figure too).
  let riderMs = 0;
  const rider = (now: number): EvaluationRider | undefined => {
    const t0 = performance.now();
    const r = forecastPrefetch(store, shop, now, packInForce(shop, overrides, now), overrides, projections);
    riderMs += performance.now() - t0;
    return (
      r && {
        queue(p, commit) {
          const t1 = performance.now();
          const take = r.queue(p, commit);
          riderMs += performance.now() - t1;
          return (replies, commitReply) => {
            const t2 = performance.now();
            const out = take(replies, commitReply);
            riderMs += performance.now() - t2;
            return out;
          };
        },
      }
    );
  };
  const first = await store.evaluate(shop, now0, overrides, (u) => (used = u), rider(now0));
  if (first && used) await forecastFromStore(store, shop, now0, first, used, projections);
  const spans: { t0: number; t1: number }[] = [];
  const forecastSpans: { t0: number; t1: number }[] = [];
  const out: ChildEval[] = [];
  // BENCH_CHILD_HEAP_WINDOW=<from>:<to>:<file> (a dev tool, not for a row): the sampling heap profiler from
  // evaluation `from` to `to`, counting only objects still alive at `to`: what outlives evaluations (the
  // scavenges' survivors), by where it was allocated.
  const [hFrom, hTo, hFile] = (process.env.BENCH_CHILD_HEAP_WINDOW ?? "").split(":");
  const heapSession = hFile ? new Session() : undefined;
  const heapPost = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => heapSession!.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r as R))));
  for (let i = 1; i <= evals; i++) {
    if (heapSession && i === Number(hFrom)) {
      heapSession.connect();
      await heapPost("HeapProfiler.enable");
      await heapPost("HeapProfiler.startSampling", { samplingInterval: 1024 });
    }
    if (heapSession && i === Number(hTo)) {
      await heapPost("HeapProfiler.collectGarbage");
      writeFileSync(hFile!, JSON.stringify((await heapPost<{ profile: unknown }>("HeapProfiler.stopSampling")).profile));
      heapSession.disconnect();
    }
    const now = now0 + i * stepMs;
    const w0 = runQueueWaitMs(process.pid);
    const r0 = runQueueWaitMs(redisPid);
    const b0 = socketBytesIn(own);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    riderMs = 0;
    const ev = await store.evaluate(shop, now, overrides, (u) => (used = u), rider(now));
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    const bytes = socketBytesIn(own) - b0;
    const w1 = runQueueWaitMs(process.pid);
    const r1 = runQueueWaitMs(redisPid);
    const fc0 = process.cpuUsage();
    const f0 = performance.now();
    if (ev && used) await forecastFromStore(store, shop, now, ev, used, projections);
    const f1 = performance.now();
    const forecastMs = f1 - f0 + riderMs;
    const fc = process.cpuUsage(fc0);
    const acc = store.accounting(shop.platform);
    const recomputed = used
      ? projections.of(
          store.keys.entities(shop),
          now,
          { pack: acc.pack, chatKeepDays: acc.chatKeepDays, closedKeepMs: acc.retention.closedKeepMs },
          forecastMoments(now),
          used.overrides.calendar,
        ).recomputed
      : 0;
    spans.push({ t0, t1 });
    forecastSpans.push({ t0: f0, t1: f1 });
    out.push({
      wallMs: t1 - t0,
      cpuMs: (c.user + c.system) / 1000,
      gcMs: 0,
      majorGcMs: 0,
      nodeWaitMs: w1 - w0,
      redisWaitMs: r1 - r0,
      bytes,
      forecastMs,
      forecastCpuMs: (fc.user + fc.system) / 1000,
      forecastGcMs: 0,
      recomputed,
    });
  }
  // The observer's entries arrive after the fact: let them in, then give each evaluation the pauses inside it.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  const major = (e: PerformanceEntry) =>
    ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0) === constants.NODE_PERFORMANCE_GC_MAJOR;
  for (const g of gcs) {
    const i = spans.findIndex((s) => g.startTime < s.t1 && g.startTime + g.duration > s.t0);
    if (i < 0) continue;
    const s = spans[i]!;
    const inside = Math.min(s.t1, g.startTime + g.duration) - Math.max(s.t0, g.startTime);
    out[i]!.gcMs += inside;
    if (major(g)) out[i]!.majorGcMs += inside;
  }
  for (const g of gcs) {
    const i = forecastSpans.findIndex((s) => g.startTime < s.t1 && g.startTime + g.duration > s.t0);
    if (i < 0) continue;
    const s = forecastSpans[i]!;
    out[i]!.forecastGcMs += Math.min(s.t1, g.startTime + g.duration) - Math.max(s.t0, g.startTime);
  }
  const sum = (xs: PerformanceEntry[]) => xs.reduce((n, e) => n + e.duration, 0);
  const majors = gcs.filter(major);
  const report: ChildReport = {
    evals: out,
    gc: { count: gcs.length, ms: sum(gcs), majorCount: majors.length, majorMs: sum(majors) },
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    redisPid,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  own.disconnect();
}

await main();
