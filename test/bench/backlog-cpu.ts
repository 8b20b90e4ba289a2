/**
 * The backlog section's CPU figure alone, for A/B work on the processor's cost per event: the bench's backlog
 * streams (`every` = 4 platforms × 3 days of 400/day with the bench's packs; `chat` = Kuaishou, 95 % chat)
 * produced once to a fresh 12-partition topic, then the processor run `runs` times over it in this process
 * (each a fresh group and key prefix), timed from its join until it has handled every record and a flush has
 * evaluated every dirtied shop. Prints, per run, events per processor CPU-second (`process.cpuUsage`), the
 * shop evaluations done (sg_processor_shop_evaluations_total) and the GC time (perf_hooks); with
 * `--profile <file>` one more run is recorded as a V8 CPU profile (open in Chrome DevTools or summarise with
 * `npx tsx test/bench/profile-top.ts <file>`); with `--allocations <file>` one more run under the sampling heap
 * profiler (bytes allocated by function, collected objects included; Chrome DevTools reads it as .heapprofile).
 *
 * `month` = the latency section's shop-month mix, `events` read as shops (100 → 1 busy, 19 medium, 80 small).
 *
 * With `--evals K`, after the last run every shop is evaluated K more rounds one at a time (the loop stopped), timed
 * by process CPU per evaluation and shop class; `--eval-profile <file>` records those rounds as a V8 CPU profile,
 * `--eval-allocations <file>` K rounds more under the sampling heap profiler.
 *
 * `npx tsx test/bench/backlog-cpu.ts [every|chat|month] [events=20000] [runs=3] [--profile out.cpuprofile] [--allocations out.heapprofile] [--evals K] [--eval-profile f] [--eval-allocations f]`
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { PerformanceObserver } from "node:perf_hooks";
import { PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT } from "@sg/config";
import { snapshotKeys, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { ensureRedis } from "@sg/infra";
import { createKafka, logLevel, type Kafka } from "@sg/kafka";
import { createProcessor, ProjectionWriter, type Processor } from "@sg/processor";
import { evaluateAndPublish } from "../../services/processor/src/publish/publish-evaluation.js";
import { processorMetrics } from "../../services/processor/src/publish/telemetry.js";
import { createRedis, deleteByPrefix, type Redis } from "@sg/redis";
import { Registry } from "prom-client";
import { benchInfra } from "./bench-infra.js";
import { processorFlagsNote } from "./node-flags.js";
import { backlogTopics, produceBacklog } from "./backlog-topic.js";
import { history } from "./engine-v2.js";
import { cpuSince, median, profiled, redisCpu } from "./measure.js";
import { BENCH_PACKS, packsLabel } from "./packs.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function stream(mix: string, n: number): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  if (mix === "chat") for (let s = 0; out.length < n; s++) out.push(...history("kuaishou", `ch${s}`, 1, 2000, 0.95));
  else if (mix === "month") {
    // The latency section's shop-month mix (1 % busy, 19 % medium, 80 % small; Douyin and Kuaishou alternating),
    // 30 days each, up to the present, produced shop after shop as that section does; n counts shops per 100.
    const per = Math.max(1, Math.round(n / 100));
    const kinds = [
      ["busy", per, 4000],
      ["medium", 19 * per, 500],
      ["small", 80 * per, 50],
    ] as const;
    for (const [kind, count, perDay] of kinds)
      for (let s = 0; s < count; s++) out.push(...history(s % 2 ? "douyin" : "kuaishou", `${kind}${s}`, 30, perDay));
    return out;
  } else {
    const platforms: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
    for (let s = 0; out.length < n; s++) out.push(...history(platforms[s % 4]!, `bl${s}`, 3, 400, undefined, 7));
  }
  return out.slice(0, n);
}

/** CPU seconds of this process's main thread and of its other threads by name (V8's compiler and GC helpers, libuv's pool), from /proc/self/task. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  const tick = 100; // USER_HZ
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      // Threads by their name (V8's workers compile and collect garbage; libuv's pool does file and crypto work).
      const name =
        t === String(process.pid)
          ? "main"
          : readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim() + (process.env.BENCH_THREAD_IDS ? `#${t}` : "");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / tick);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** Redis's commands by name: calls and CPU µs (INFO commandstats; commands run by scripts included). */
async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const m of (await redis.info("commandstats")).matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g))
    out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

/** Bytes Redis has read from its clients (INFO stats). */
async function netInput(redis: Redis): Promise<number> {
  const m = /total_net_input_bytes:(\d+)/.exec(await redis.info("stats"));
  return Number(m?.[1] ?? 0);
}

/** The sampling heap profiler around `fn`, counting objects the GC has collected too: where the bytes are allocated. */
async function allocationProfiled(fn: () => Promise<unknown>): Promise<unknown> {
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r as R))));
  try {
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await fn();
    return (await post<{ profile: unknown }>("HeapProfiler.stopSampling")).profile;
  } finally {
    session.disconnect();
  }
}

let gcMs = 0;
/** GC ms by perf_hooks kind: 1 minor (scavenge), 2 major, 4 incremental marking, 8 weak callbacks. */
const gcByKind = new Map<number, number>();
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gcMs += e.duration;
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcByKind.set(kind, (gcByKind.get(kind) ?? 0) + e.duration);
  }
}).observe({ entryTypes: ["gc"] });

/** What `--evals K` measures after a run: every shop evaluated K rounds, one at a time, the clock moving. */
interface EvalCost {
  evaluations: number;
  /** Process CPU µs per evaluation, by shop class (the shop id's prefix: busy, medium, small). */
  cpuUs: Map<string, { n: number; cpu: number; wall: number }>;
  redisUs: number;
  gcUs: number;
  /** The largest snapshot projection of each shop class, bytes. */
  snapshotBytes: Map<string, number>;
  /** Process CPU µs per evaluation: main thread, other threads, user, system. */
  threads: string[];
  /** Redis commandstats over the rounds: name, calls, µs. */
  commands: (readonly [string, number, number])[];
}

/**
 * The evaluation's cost on the loaded state, apart from the fold's: the processor's loop stopped, each shop
 * evaluated in turn through evaluateAndPublish (the loop's own path: reads, alerts, projection, due index) at a
 * clock that moves 1 s each round, timed one evaluation at a time by process CPU and wall.
 */
async function evalRounds(
  kafka: Kafka,
  p: Processor,
  redis: Redis,
  prefix: string,
  topics: ReturnType<typeof topicNames>,
  rounds: number,
): Promise<EvalCost> {
  const shops = await redis.zrange(snapshotKeys(prefix).shops(), 0, -1);
  const producer = kafka.producer();
  await producer.connect();
  const projection = new ProjectionWriter(redis, prefix);
  const cpuUs = new Map<string, { n: number; cpu: number; wall: number }>();
  const r0 = await redisCpu(redis);
  const cs0 = await commandStats(redis);
  const gc0 = gcMs;
  const th0 = threadCpu();
  const all0 = process.cpuUsage();
  let evaluations = 0;
  const t0 = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (const shopKey of shops) {
      const cls = /:([a-z]+)/.exec(shopKey)?.[1] ?? "?";
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      await evaluateAndPublish({
        store: p.store,
        projection,
        producer,
        alertsTopic: topics.alerts,
        config: { packs: BENCH_PACKS },
        shopKey,
        partition: 0,
        nowMs: t0 + r * 1000,
      });
      const c = process.cpuUsage(c0);
      const e = cpuUs.get(cls) ?? { n: 0, cpu: 0, wall: 0 };
      e.n++;
      e.cpu += c.user + c.system;
      e.wall += (performance.now() - w0) * 1000;
      cpuUs.set(cls, e);
      evaluations++;
    }
  }
  const all = process.cpuUsage(all0);
  const threads = [...threadCpu()].map(([k, v]) => `${k} ${(((v - (th0.get(k) ?? 0)) * 1e6) / evaluations).toFixed(0)}`);
  threads.push(`user ${(all.user / evaluations).toFixed(0)}`, `system ${(all.system / evaluations).toFixed(0)}`);
  const redisUs = ((await redisCpu(redis)) - r0) * 1e6;
  const commands = [...(await commandStats(redis))]
    .map(([k, v]) => [k, v.calls - (cs0.get(k)?.calls ?? 0), v.usec - (cs0.get(k)?.usec ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[2] - a[2]);
  await producer.disconnect();
  const snapshotBytes = new Map<string, number>();
  for (const shopKey of shops) {
    const [platform, shopId] = [shopKey.slice(0, shopKey.indexOf(":")), shopKey.slice(shopKey.indexOf(":") + 1)];
    const cls = /:([a-z]+)/.exec(shopKey)?.[1] ?? "?";
    const len = await redis.strlen(snapshotKeys(prefix).snapshot({ platform, shopId }));
    snapshotBytes.set(cls, Math.max(snapshotBytes.get(cls) ?? 0, len));
  }
  return {
    evaluations,
    cpuUs,
    redisUs: redisUs / evaluations,
    gcUs: ((gcMs - gc0) * 1000) / evaluations,
    snapshotBytes,
    commands,
    threads,
  };
}

let evalRoundsWanted = 0;
let evalProfileOut: string | undefined;
let evalAllocationsOut: string | undefined;

async function run(kafka: Kafka, topics: ReturnType<typeof topicNames>, base: string, n: number, redis: Redis, withEvals = false) {
  const prefix = `${base}-${randomUUID().slice(0, 6)}`;
  const registry = new Registry();
  const metrics = processorMetrics(registry);
  const p = createProcessor({
    kafka,
    redis,
    topics,
    keyPrefix: prefix,
    groupId: prefix,
    clock: Date.now,
    config: { packs: BENCH_PACKS },
    log: silent,
    metrics,
    evalIntervalMs: 250,
    tickMs: 1000,
    // PROCESSOR_PARTITIONS_AT_ONCE, the processor service's default unless BENCH_PARTITIONS_AT_ONCE says otherwise.
    partitionsConcurrently: Number(process.env.BENCH_PARTITIONS_AT_ONCE ?? PROCESSOR_PARTITIONS_AT_ONCE_DEFAULT),
  });
  await p.start();
  const r0 = await redisCpu(redis);
  const cs0 = await commandStats(redis);
  const in0 = await netInput(redis);
  const gc0 = gcMs;
  gcByKind.clear();
  const th0 = threadCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (p.handled < n && performance.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 20));
  await p.flush();
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSince(cpu0);
  const sys = process.cpuUsage(cpu0).system / 1e6;
  const gc = gcMs - gc0;
  const gcKinds = [...gcByKind]
    .map(
      ([k, ms]) =>
        `${({ 1: "minor", 2: "major", 4: "incremental", 8: "weak" } as Record<number, string>)[k] ?? k} ${((ms * 1000) / n).toFixed(2)}`,
    )
    .join(", ");
  const threads = [...threadCpu()].map(([k, v]) => [k, v - (th0.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
  const rc = (await redisCpu(redis)) - r0;
  const commands = [...(await commandStats(redis))]
    .map(([k, v]) => [k, v.calls - (cs0.get(k)?.calls ?? 0), v.usec - (cs0.get(k)?.usec ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[2] - a[2]);
  const bytesIn = (await netInput(redis)) - in0;
  const evaluations = (await registry.getSingleMetric("sg_processor_shop_evaluations_total")!.get()).values[0]?.value ?? 0;
  const shops = await redis.zcard(snapshotKeys(prefix).shops());
  await p.stop();
  let evalCost: EvalCost | undefined;
  if (withEvals && evalRoundsWanted > 0) {
    await evalRounds(kafka, p, redis, prefix, topics, 2); // warm-up: the caches and the compiler
    if (evalAllocationsOut) {
      const profile = await allocationProfiled(() => evalRounds(kafka, p, redis, prefix, topics, evalRoundsWanted));
      writeFileSync(evalAllocationsOut, JSON.stringify(profile));
    }
    if (evalProfileOut) {
      const { result, profile } = await profiled(() => evalRounds(kafka, p, redis, prefix, topics, evalRoundsWanted));
      writeFileSync(evalProfileOut, JSON.stringify(profile));
      evalCost = result;
    } else evalCost = await evalRounds(kafka, p, redis, prefix, topics, evalRoundsWanted);
  }
  await deleteByPrefix(redis, prefix);
  return { rate: p.handled / secs, cpu, gc, redisCpu: rc, evaluations, shops, threads, bytesIn, sys, gcKinds, commands, evalCost };
}

async function main() {
  const args = process.argv.slice(2);
  const pi = args.indexOf("--profile");
  const profileOut = pi >= 0 ? args.splice(pi, 2)[1] : undefined;
  const hi = args.indexOf("--allocations");
  const heapOut = hi >= 0 ? args.splice(hi, 2)[1] : undefined;
  const ei = args.indexOf("--evals");
  if (ei >= 0) evalRoundsWanted = Number(args.splice(ei, 2)[1]);
  const epi = args.indexOf("--eval-profile");
  if (epi >= 0) evalProfileOut = args.splice(epi, 2)[1];
  const eai = args.indexOf("--eval-allocations");
  if (eai >= 0) evalAllocationsOut = args.splice(eai, 2)[1];
  const mix = args[0] ?? "every";
  const runs = Number(args[2] ?? 3);
  const events = stream(mix, Number(args[1] ?? 20_000));
  const n = events.length;
  const infra = await benchInfra();
  const server = await ensureRedis({ url: null, log: () => undefined, stopWithProcess: process.pid });
  const redis = createRedis(server.url);
  const base = `bench-cpu-${randomUUID().slice(0, 8)}`;
  const kafka = createKafka({ brokers: infra.brokers, clientId: base, logLevel: logLevel.NOTHING });
  const topics = await backlogTopics(kafka, base, 12);
  await produceBacklog(kafka, topics.events, events);
  console.log(`backlog-cpu: ${mix}, ${n} events, ${packsLabel()}; ${processorFlagsNote()}`);
  try {
    const results = [];
    for (let k = 0; k < runs; k++) {
      const r = await run(kafka, topics, base, n, redis, k === runs - 1);
      results.push(r);
      console.log(
        `run ${k + 1}: ${(n / r.cpu / 1000).toFixed(1)}k events/CPU-s (${((r.cpu * 1e6) / n).toFixed(1)} µs/event, system ${((r.sys * 1e6) / n).toFixed(1)}), ` +
          `${(r.rate / 1000).toFixed(1)}k/s wall, GC ${((r.gc * 1000) / n).toFixed(2)} µs/event (${r.gcKinds}), Redis ${((r.redisCpu * 1e6) / n).toFixed(1)} µs/event and ${(r.bytesIn / n).toFixed(0)} B/event in, ` +
          `${r.evaluations} evaluations for ${r.shops} shops; threads µs/event: ${r.threads.map(([k, v]) => `${k} ${((v * 1e6) / n).toFixed(1)}`).join(", ")}`,
      );
    }
    const ec = results.at(-1)!.evalCost;
    if (ec)
      console.log(
        `evaluations after the last run (${ec.evaluations}, one at a time through evaluateAndPublish, the loop stopped): ` +
          [...ec.cpuUs]
            .map(([k, e]) => `${k} ${e.n}: CPU ${(e.cpu / e.n).toFixed(0)} µs, wall ${(e.wall / e.n).toFixed(0)} µs`)
            .join("; ") +
          `; process CPU µs per evaluation: ${ec.threads.join(", ")}; Redis ${ec.redisUs.toFixed(0)} µs and GC ${ec.gcUs.toFixed(0)} µs per evaluation; largest snapshot ${[...ec.snapshotBytes].map(([k, b]) => `${k} ${(b / 1024).toFixed(1)} KB`).join(", ")}; Redis commands per evaluation, calls / µs: ${ec.commands
            .slice(0, 10)
            .map(([k, calls, usec]) => `${k} ${(calls / ec.evaluations).toFixed(1)} / ${(usec / ec.evaluations).toFixed(0)}`)
            .join(", ")}${evalProfileOut ? `; profile: ${evalProfileOut}` : ""}`,
      );
    console.log(
      `Redis commands of the last run, per event: calls and µs (commandstats; a script's commands counted in it too): ${results
        .at(-1)!
        .commands.slice(0, 12)
        .map(([k, calls, usec]) => `${k} ${(calls / n).toFixed(2)} / ${(usec / n).toFixed(2)}`)
        .join(", ")}`,
    );
    console.log(
      `median: ${(median(results.map((r) => n / r.cpu)) / 1000).toFixed(1)}k events/CPU-s; load ${(await import("node:os"))
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
    );
    if (heapOut) {
      writeFileSync(heapOut, JSON.stringify(await allocationProfiled(() => run(kafka, topics, base, n, redis))));
      console.log(`allocation profile: ${heapOut}`);
    }
    if (profileOut) {
      const { profile } = await profiled(() => run(kafka, topics, base, n, redis));
      writeFileSync(profileOut, JSON.stringify(profile));
      console.log(`profile: ${profileOut}`);
    }
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.events, topics.dlq, topics.alerts] }).catch(() => undefined);
    await admin.disconnect();
    redis.disconnect();
    await server.stop();
    await infra.stop();
  }
}

await main();
