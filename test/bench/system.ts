/**
 * The whole system at N shops (`npm run bench -- --shops N`, or alone: `npx tsx test/bench/system.ts --shops N`):
 * N shops (1% busy at 4,000 events a day, 19% medium at 500, 80% small at 50) of 30-day history produced to
 * sg.events and loaded through the processor, then a live load sent through the gateway's HTTP intake with
 * a token, and measured:
 * - alert latency: send (POST /v1/events of a probe shop's dispute breach) → the notifier's webhook reaches
 *   a robot receiver in this process (a route with groupWait 0);
 * - freshness: the same send → the read API first answers 200 with the probe shop's metrics;
 * - read API p50/p99 over HTTP with a token (the busy shop's metrics) during the live load;
 * - Redis memory (INFO used_memory of a redis-server of the run's own, after the load minus before), processor
 *   RSS and CPU (/proc), evaluations per second (the processor's sg_processor_shop_evaluations_total).
 * Two arrangements on the same loaded state: the services as separate processes (gateway alone), then the
 * all-in-one arrangement (allinone-child.ts: gateway, processor and notifier sharing one event loop).
 * If loading all N shops would overrun the time budget (BENCH_BUDGET_MIN, default 20), it stops at the largest
 * number of shops loaded in time, measures that, and prints the extrapolation to N beside it, labelled.
 * Knobs (env or flags): --shops N (default 10000), --rate events/s (5000), --live-secs (30), --days (30).
 * Goals are printed as met / not met; nothing here fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { ensureRedis, resolveLocalInfra } from "@sg/infra";
import { createKafka, createProducer, ensureTopics, logLevel, type Kafka } from "@sg/kafka";
import { createRedis } from "@sg/redis";
import { disputeBreach } from "../src/breach.js";
import { shopMonth } from "./history.js";
import { packsLabel, packsYaml } from "./packs.js";
import { mbs, median, pct, procCpu, procRss, redisUsedMemory, sleep, timedRead } from "./measure.js";
import { PROCESSOR_NODE_FLAGS } from "./node-flags.js";
import { bucketQuantile, bucketsSince, parseBuckets, type Buckets } from "./histogram.js";

/** The processor's histogram of how long a changed shop waits for its evaluation (telemetry.ts). */
const WAIT_METRIC = "sg_processor_evaluation_wait_seconds";
/** The processor's histogram, per applied batch, of the wall time from its oldest record's Kafka timestamp (telemetry.ts). */
const DELAY_METRIC = "sg_processor_batch_delay_seconds";
/** The notifier's histogram, per sg.alerts record, of the wall time from its Kafka timestamp to its ingest (metrics.ts). */
const RECORD_METRIC = "sg_notifier_record_delay_seconds";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PARTITIONS = 12;
const PER_DAY = { busy: 4000, medium: 500, small: 50 } as const;
type Kind = keyof typeof PER_DAY;

export interface SystemOptions {
  shops: number;
  rate?: number;
  liveSecs?: number;
  days?: number;
  budgetMin?: number;
  line?: (s: string) => void;
}

/**
 * The mix of N shops: 1% busy, 19% medium, the rest small, spread by a permutation of each hundred (i × 37
 * mod 100) so any prefix (a tranche) keeps the mix; the first shop is busy.
 */
export function shopMix(n: number): { kind: Kind; platform: Platform; shopId: string }[] {
  const platforms: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
  const out: { kind: Kind; platform: Platform; shopId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const r = (i * 37) % 100;
    const kind: Kind = r === 0 ? "busy" : r <= 19 ? "medium" : "small";
    out.push({ kind, platform: platforms[i % 4]!, shopId: `${kind}${i}` });
  }
  return out;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The robot: a webhook receiver that notes when each probe shop's alert arrived. */
async function robot(): Promise<{ url: string; arrived: Map<string, number>; server: Server }> {
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      for (const m of Buffer.concat(chunks)
        .toString("utf8")
        .matchAll(/probe-[a-z0-9]+-\d+/g))
        if (!arrived.has(m[0])) arrived.set(m[0], at);
      res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/robot`, arrived, server };
}

async function committed(kafka: Kafka, groupId: string, topic: string): Promise<{ done: number; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const high = await admin.fetchTopicOffsets(topic);
    return {
      done: (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      total: high.reduce((n, p) => n + Number(p.high), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

/** The buckets of each of `metrics` from one read of a service's /metrics page (empty when it cannot be read). */
async function scrapeBuckets(port: number, metrics: readonly string[]): Promise<Buckets[]> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return metrics.map((m) => parseBuckets(text, m));
  } catch {
    return metrics.map(() => []);
  }
}

/** p50 and p99 of buckets in seconds, as milliseconds. */
function quantilesMs(b: Buckets): string {
  return `p50 ${(bucketQuantile(b, 0.5) * 1000).toFixed(0)} ms, p99 ${(bucketQuantile(b, 0.99) * 1000).toFixed(0)} ms`;
}

async function scrape(port: number, metric: string): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = new RegExp(`^${metric}(?:\\{[^}]*\\})? ([\\d.e+]+)$`, "m").exec(text);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

type Child = { name: string; proc: ChildProcess; log: string[] };
function start(name: string, script: string, env: NodeJS.ProcessEnv): Child {
  // BENCH_SYSTEM_PROF=<dir>: each service writes V8 CPU profiles (one per thread) to <dir>/<service> when it stops (for looking into, not for a row).
  const prof = process.env.BENCH_SYSTEM_PROF ? ["--cpu-prof", "--cpu-prof-dir", join(process.env.BENCH_SYSTEM_PROF, name)] : [];
  // Each service as its start script runs it: the processor and the all-in-one with the processor's V8 flags.
  const flags = /processor|allinone/.test(script) ? PROCESSOR_NODE_FLAGS : [];
  const proc = spawn(process.execPath, [...flags, ...prof, "--import", "tsx", script], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const log: string[] = [];
  proc.stderr?.on("data", (b: Buffer) => {
    log.push(b.toString("utf8"));
    if (log.length > 40) log.shift();
  });
  return { name, proc, log };
}
async function stopAll(children: Child[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null) return Promise.resolve();
      const exited = new Promise((r) => c.proc.once("exit", r));
      c.proc.kill("SIGTERM");
      return Promise.race([exited, sleep(20_000).then(() => c.proc.kill("SIGKILL"))]);
    }),
  );
}
async function waitHttp(url: string, children: Child[], ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const dead = children.find((c) => c.proc.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited during start-up:\n${dead.log.join("")}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer in ${ms / 1000} s`);
    await sleep(250);
  }
}

type Live = {
  achieved: number;
  alert: number[];
  alertLost: number;
  fresh: number[];
  freshLost: number;
  reads: number[];
  readErrors: number;
  probes: number;
  evalsPerSec: number;
  /** The processor's sg_processor_evaluation_wait_seconds over the live phase. */
  wait: Buckets;
  /** The processor's sg_processor_batch_delay_seconds over the live phase. */
  delay: Buckets;
  /** The notifier's sg_notifier_record_delay_seconds over the live phase. */
  records: Buckets;
  procCpuPerSec: number;
  /** Cores used during the live phase, by process. */
  cpuShares: Record<string, number>;
};

/**
 * The live phase: `rate` events/s of conversations on the loaded shops through POST /v1/events, a dispute
 * probe on a new shop every 300 ms, the busy shop's metrics read every 50 ms, each probe's metrics polled
 * every 25 ms until they show.
 */
async function livePhase(o: {
  base: string;
  token: string;
  shops: { platform: Platform; shopId: string; kind: Kind }[];
  rate: number;
  secs: number;
  arrived: Map<string, number>;
  run: string;
  processorPid: number;
  metricsPort: number;
  /** The notifier's /metrics port (the same as `metricsPort` in the all-in-one). */
  notifierPort: number;
  /** Every process whose CPU the live phase reports, by name (the processor's included). */
  pids: Record<string, number[]>;
}): Promise<Live> {
  const post = async (events: object[]) => {
    const res = await fetch(`${o.base}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.token}`, "content-type": "application/json" },
      body: JSON.stringify(events),
    });
    if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  };
  const busy = o.shops.find((s) => s.kind === "busy") ?? o.shops[0]!;
  const sentAt = new Map<string, number>();
  const fresh: number[] = [];
  const reads: number[] = [];
  let readErrors = 0;
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      const r = await timedRead(`${o.base}/v1/shops/${busy.platform}/${busy.shopId}/metrics`, o.token).catch(() => ({
        ms: NaN,
        status: 0,
      }));
      if (r.status === 200) reads.push(r.ms);
      else readErrors++;
      await sleep(50);
    }
  })();
  const pending = new Set<string>();
  const poller = (async () => {
    while (!stop || pending.size > 0) {
      for (const id of [...pending]) {
        const r = await timedRead(`${o.base}/v1/shops/kuaishou/${id}/metrics`, o.token).catch(() => ({ status: 0 }));
        if (r.status === 200) {
          fresh.push(Date.now() - sentAt.get(id)!);
          pending.delete(id);
        } else if (Date.now() - sentAt.get(id)! > 30_000) pending.delete(id);
      }
      await sleep(25);
    }
  })();
  const tick = 100;
  let seq = 0;
  let sent = 0;
  let probes = 0;
  const e0 = await scrape(o.metricsPort, "sg_processor_shop_evaluations_total");
  const [w0, d0] = await scrapeBuckets(o.metricsPort, [WAIT_METRIC, DELAY_METRIC]);
  const [n0] = await scrapeBuckets(o.notifierPort, [RECORD_METRIC]);
  const c0 = procCpu(o.processorPid);
  const byProc0 = cpuByProcess(o.pids);
  const t0 = Date.now();
  const inflight: Promise<void>[] = [];
  for (let k = 0; Date.now() - t0 < o.secs * 1000; k++) {
    const now = Date.now();
    if (k % 3 === 0) {
      const id = `probe-${o.run}-${probes++}`;
      sentAt.set(id, now);
      inflight.push(post(disputeBreach(id, now)).then(() => void pending.add(id)));
    }
    const batch: object[] = [];
    while (batch.length < (o.rate * tick) / 1000) {
      const s = o.shops[seq % o.shops.length]!;
      const c = { platform: s.platform, shopId: s.shopId, consumerId: `live${seq}` };
      const t = now - 130_000;
      batch.push(
        { ...c, id: `lt${o.run}${seq}`, type: "chat.transferred", at: t },
        { ...c, id: `lm1${o.run}${seq}`, type: "chat.message", at: t + 1000, sender: "consumer" },
        { ...c, id: `lm2${o.run}${seq}`, type: "chat.message", at: t + 41_000, sender: "agent" },
        { ...c, id: `lc${o.run}${seq}`, type: "chat.closed", at: t + 120_000 },
      );
      seq++;
    }
    // Up to 1,000 events a request (the intake's limit).
    for (let i = 0; i < batch.length; i += 1000) inflight.push(post(batch.slice(i, i + 1000)));
    sent += batch.length;
    const wait = t0 + (k + 1) * tick - Date.now();
    if (wait > 0) await sleep(wait);
    if (inflight.length > 50) await Promise.all(inflight.splice(0));
  }
  await Promise.all(inflight);
  const liveSecs = (Date.now() - t0) / 1000;
  const evals = (await scrape(o.metricsPort, "sg_processor_shop_evaluations_total")) - e0;
  const [w1, d1] = await scrapeBuckets(o.metricsPort, [WAIT_METRIC, DELAY_METRIC]);
  const [n1] = await scrapeBuckets(o.notifierPort, [RECORD_METRIC]);
  const wait = bucketsSince(w1!, w0!);
  const delay = bucketsSince(d1!, d0!);
  const records = bucketsSince(n1!, n0!);
  const cpu = procCpu(o.processorPid) - c0;
  const byProc1 = cpuByProcess(o.pids);
  const cpuShares = Object.fromEntries(Object.entries(byProc1).map(([k, v]) => [k, (v - byProc0[k]!) / liveSecs]));
  stop = true;
  const dl = Date.now() + 30_000;
  const probeIds = [...sentAt.keys()];
  while (probeIds.some((id) => !o.arrived.has(id)) && Date.now() < dl) await sleep(200);
  await reader;
  await poller;
  const alert = probeIds.filter((id) => o.arrived.has(id)).map((id) => o.arrived.get(id)! - sentAt.get(id)!);
  return {
    achieved: sent / liveSecs,
    alert,
    alertLost: probeIds.length - alert.length,
    fresh,
    freshLost: probeIds.length - fresh.length,
    reads,
    readErrors,
    probes,
    evalsPerSec: evals / liveSecs,
    wait,
    delay,
    records,
    procCpuPerSec: cpu / liveSecs,
    cpuShares,
  };
}

/** CPU seconds so far of each named group of processes (/proc/<pid>/stat; this process by process.cpuUsage). */
function cpuByProcess(pids: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) out[name] = list.reduce((n, pid) => n + procCpu(pid), 0);
  const own = process.cpuUsage();
  out["the bench's own process (load, probes, reads, robot)"] = (own.user + own.system) / 1e6;
  return out;
}

/** The pids of the Kafka brokers running on this machine (java processes running kafka.Kafka). */
function kafkaPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").includes("kafka.Kafka")) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function systemBench(o: SystemOptions): Promise<void> {
  const line = o.line ?? ((s: string) => console.log(s));
  const rate = o.rate ?? 5000;
  const liveSecs = o.liveSecs ?? 30;
  const days = o.days ?? 30;
  const budgetMs = (o.budgetMin ?? 20) * 60_000;
  const started = performance.now();
  const infra = await resolveLocalInfra();
  // A redis-server of the run's own: its INFO memory and cpu count only this run.
  const server = await ensureRedis({ url: null, log: () => undefined, stopWithProcess: process.pid });
  const redis = createRedis(server.url);
  const run = `sys${randomUUID().slice(0, 6)}`;
  const topics = topicNames(`${run}.`);
  const kafka = createKafka({ brokers: infra.brokers, clientId: run, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, [
    { topic: topics.events, numPartitions: PARTITIONS },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.alerts, numPartitions: 1 },
  ]);
  const hook = await robot();
  const token = `bench-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), "sg-bench-"));
  const configPath = join(dir, "scoreguard.yaml");
  writeFileSync(
    configPath,
    [
      "apiTokens:",
      // The live load reaches every shop, and the history loaded through Kafka never went through the gateway's
      // new-shop count: the quota (default 500 a day) must cover the scale, or the live phase is refused with 429.
      `  - { token: "${token}", shops: ["*"], newShopsPerDay: ${Math.min(1_000_000, Math.max(500, 2 * o.shops))} }`,
      "receivers:",
      `  robot: { type: webhook, url: "${hook.url}" }`,
      "routes:",
      "  - receivers: [robot]",
      "    groupWait: 0s",
      "    groupInterval: 1s",
      "    repeatInterval: 4h",
      ...packsYaml(),
      "",
    ].join("\n"),
  );
  const ports = { gateway: await freePort(), gatewayOps: await freePort(), processor: await freePort(), notifier: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: infra.brokers.join(","),
    REDIS_URL: server.url,
    SCOREGUARD_CONFIG: configPath,
    TOPIC_PREFIX: `${run}.`,
    KEY_PREFIX: run,
    // The run's own groups, shared by both arrangements, so the second resumes where the first stopped.
    PROCESSOR_GROUP: `${run}-processor`,
    NOTIFIER_GROUP: `${run}-notifier`,
    EVENTS_PARTITIONS: String(PARTITIONS),
    LOG_LEVEL: "error",
    GATEWAY_TOKEN_RATE: "100000",
    GATEWAY_TOKEN_BURST: "100000",
  };
  const mem0 = await redisUsedMemory(redis);
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1] ?? 0);
  let children: Child[] = [];
  const goal = (ok: boolean) => (ok ? "met" : "NOT met");
  try {
    children = [
      start("processor", "services/processor/src/main.ts", { ...env, PROCESSOR_PORT: String(ports.processor) }),
      start("notifier", "services/notifier/src/main.ts", { ...env, NOTIFIER_PORT: String(ports.notifier) }),
      start("gateway", "services/gateway/src/main.ts", {
        ...env,
        GATEWAY_PORT: String(ports.gateway),
        GATEWAY_OPS_PORT: String(ports.gatewayOps),
      }),
    ];
    const base = `http://127.0.0.1:${ports.gateway}`;
    await waitHttp(`${base}/openapi.json`, children);
    await waitHttp(`http://127.0.0.1:${ports.processor}/metrics`, children);
    const proc = children[0]!.proc;

    // Load: shops in tranches of 10% of the mix, each produced then consumed; stop early when the next
    // tranche would not fit in 60% of the budget (the live phases and the second arrangement take the rest).
    const all = shopMix(o.shops);
    const producer = createProducer(kafka);
    await producer.connect();
    const now = Date.now();
    let loaded = 0;
    let events = 0;
    const tranche = Math.max(1, Math.ceil(all.length / 10));
    let loadSecs = 0;
    let cpuLoad = 0;
    while (loaded < all.length) {
      const t0 = performance.now();
      const c0 = procCpu(proc.pid!);
      for (const s of all.slice(loaded, loaded + tranche)) {
        const ev: CanonicalEvent[] = shopMonth({ platform: s.platform, shopId: s.shopId, days, perDay: PER_DAY[s.kind], nowMs: now });
        for (let i = 0; i < ev.length; i += 4000)
          await producer.send({
            topic: topics.events,
            messages: ev.slice(i, i + 4000).map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })),
          });
        events += ev.length;
      }
      loaded = Math.min(all.length, loaded + tranche);
      for (;;) {
        const g = await committed(kafka, `${run}-processor`, topics.events);
        if (g.done >= g.total) break;
        if (proc.exitCode !== null) throw new Error(`the processor exited:\n${children[0]!.log.join("")}`);
        await sleep(500);
      }
      loadSecs += (performance.now() - t0) / 1000;
      cpuLoad += procCpu(proc.pid!) - c0;
      const spent = performance.now() - started;
      process.stderr.write(`system: loaded ${loaded} of ${all.length} shops (${events} events) in ${loadSecs.toFixed(0)} s\n`);
      if (loaded < all.length && spent + (spent / loaded) * tranche > budgetMs * 0.6) break;
    }
    await producer.disconnect();
    // Let the evaluations the load caused finish (the processor evaluates dirtied shops every 250 ms).
    await sleep(3000);
    const shops = all.slice(0, loaded);
    const mem = (await redisUsedMemory(redis)) - mem0;
    const rssLoaded = procRss(proc.pid!);
    const full = loaded === all.length;
    line(
      `   loaded ${loaded} shops (${shops.filter((s) => s.kind === "busy").length} busy, ${shops.filter((s) => s.kind === "medium").length} medium, ${shops.filter((s) => s.kind === "small").length} small) of ${days}-day history: ${events} events produced and consumed in ${loadSecs.toFixed(0)} s (${(events / loadSecs / 1000).toFixed(1)}k events/s, ${(events / cpuLoad / 1000).toFixed(1)}k per processor CPU-second)${full ? "" : `; the budget stopped the load at ${loaded} of ${o.shops} shops`}`,
    );
    line(
      `   method: produced to sg.events, consumed by the processor service (a child process) until its group's committed offsets reached the end; history.ts's shop-month; ${packsLabel()}`,
    );
    line(
      `   Redis memory, measured (INFO used_memory after the load minus before, a redis-server of the run's own): ${mbs(mem)}${full ? "" : `; extrapolated to ${o.shops} shops (× ${(o.shops / loaded).toFixed(1)}, same mix): ${mbs((mem * o.shops) / loaded)} (EXTRAPOLATED)`}   goal ≤ 3 GB for the 10,000-shop month: ${goal((mem * 10_000) / loaded <= 3 * 1024 ** 3)}${loaded === 10_000 && days === 30 ? "" : ` (judged on ${mbs((mem * 10_000) / loaded)}, this figure scaled to 10,000 shops${days === 30 ? "" : `, of ${days}-day history: NOT the month`})`}`,
    );
    line(`   processor RSS after the load: ${mbs(rssLoaded)} (/proc/<pid>/status VmRSS)`);

    const report = (arrangement: string, r: Live, rss: number) => {
      const ms = (xs: number[], lost: number) =>
        xs.length === 0
          ? "none arrived"
          : `${(pct(xs, 0.5) / 1000).toFixed(2)} s / ${lost > 0 ? `>30 s (${lost} of ${r.probes} never arrived)` : `${(pct(xs, 0.99) / 1000).toFixed(2)} s`}`;
      const alertP99 = r.alertLost > 0 ? Infinity : pct(r.alert, 0.99);
      const freshP99 = r.freshLost > 0 ? Infinity : pct(r.fresh, 0.99);
      line(
        `   ${arrangement}: live ${r.achieved.toFixed(0)} events/s for ${liveSecs} s through POST /v1/events (target ${rate}), ${r.probes} probes`,
      );
      line(`     alert latency p50 / p99, send → robot webhook: ${ms(r.alert, r.alertLost)}   goal p99 ≤ 1 s: ${goal(alertP99 <= 1000)}`);
      line(
        `     freshness p50 / p99, send → read API answers with the shop: ${ms(r.fresh, r.freshLost)}   goal p99 ≤ 1 s: ${goal(freshP99 <= 1000)}`,
      );
      line(
        `     read API over HTTP with a token (busy shop's metrics, every 50 ms) p50 / p99: ${median(r.reads).toFixed(1)} / ${pct(r.reads, 0.99).toFixed(1)} ms of ${r.reads.length} reads${r.readErrors ? ` (${r.readErrors} failed)` : ""}   goal p99 ≤ 10 ms: ${goal(pct(r.reads, 0.99) <= 10)}`,
      );
      line(
        `     evaluations/s ${r.evalsPerSec.toFixed(0)} (sg_processor_shop_evaluations_total), processor CPU ${r.procCpuPerSec.toFixed(2)} cores, RSS ${mbs(rss)}`,
      );
      const waits = r.wait.at(-1)?.count ?? 0;
      line(
        `     a changed shop's wait for its evaluation (${WAIT_METRIC}, ${waits} evaluations; interpolated in its buckets, as histogram_quantile): ${quantilesMs(r.wait)}`,
      );
      const batches = r.delay.at(-1)?.count ?? 0;
      line(
        `     a batch's delay, gateway's send → applied (${DELAY_METRIC}, ${batches} batches, from each batch's oldest record; interpolated, as histogram_quantile): ${quantilesMs(r.delay)}`,
      );
      const records = r.records.at(-1)?.count ?? 0;
      line(
        `     an alert record's delay, processor's send → notifier ingested (${RECORD_METRIC}, ${records} records; interpolated, as histogram_quantile): ${quantilesMs(r.records)}`,
      );
      const shares = Object.entries(r.cpuShares);
      line(
        `     CPU during the live phase, cores of the machine's ${cpus().length}: ${shares.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}; together ${shares.reduce((n, [, v]) => n + v, 0).toFixed(2)}`,
      );
    };
    const live1 = await livePhase({
      base,
      token,
      shops,
      rate,
      secs: liveSecs,
      arrived: hook.arrived,
      run: `${run}a`,
      processorPid: proc.pid!,
      metricsPort: ports.processor,
      notifierPort: ports.notifier,
      pids: {
        processor: [proc.pid!],
        gateway: [children[2]!.proc.pid!],
        notifier: [children[1]!.proc.pid!],
        "redis-server": [redisPid],
        "Kafka (every broker on the machine)": kafkaPids(),
      },
    });
    report("services as separate processes (gateway alone)", live1, procRss(proc.pid!));
    await stopAll(children);

    const ops = await freePort();
    const aio = start("all-in-one", "test/bench/allinone-child.ts", { ...env, GATEWAY_PORT: String(ports.gateway), OPS_PORT: String(ops) });
    children = [aio];
    await waitHttp(`${base}/openapi.json`, children);
    await sleep(5000); // the group join of its processor and notifier
    const live2 = await livePhase({
      base,
      token,
      shops,
      rate,
      secs: liveSecs,
      arrived: hook.arrived,
      run: `${run}b`,
      processorPid: aio.proc.pid!,
      metricsPort: ops,
      notifierPort: ops,
      pids: {
        "all-in-one": [aio.proc.pid!],
        "redis-server": [redisPid],
        "Kafka (every broker on the machine)": kafkaPids(),
      },
    });
    report("all-in-one (gateway, processor and notifier in one process)", live2, procRss(aio.proc.pid!));
    line(
      "   method: probes are new Kuaishou shops whose four refunds were ruled against the merchant (12 events, merchant_dispute_rate fires at any hour), sent through the gateway; the robot is an HTTP receiver in the bench process on a route with groupWait 0; processor CPU and RSS from /proc of its process (the whole all-in-one process in the second arrangement); CPU by process over the live phase from /proc/<pid>/stat (Kafka: every broker running on the machine), the bench's own by process.cpuUsage.",
    );
    if (!full)
      line(
        `   largest scale that ran: ${loaded} shops; the live figures above are for it. Extrapolated to ${o.shops} shops (EXTRAPOLATED, linear in state): Redis ${mbs((mem * o.shops) / loaded)}, processor RSS ~${mbs((rssLoaded * o.shops) / loaded)} at most; latency at a fixed event rate depends on the rate, not on the number of shops, as long as the state fits.`,
      );
  } finally {
    await stopAll(children);
    hook.server.close();
    redis.disconnect();
    await server.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topics.events, topics.dlq, topics.alerts] }).catch(() => undefined);
    await admin.deleteGroups([`${run}-processor`, `${run}-notifier`]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** `--name value` of argv, as a number. */
export function flag(argv: string[], name: string): number | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const a = process.argv.slice(2);
  console.log(`ScoreGuard system benchmark (${new Date().toISOString()}, Node ${process.version})`);
  await systemBench({
    shops: flag(a, "shops") ?? 10_000,
    rate: flag(a, "rate") ?? 5000,
    liveSecs: flag(a, "live-secs") ?? 30,
    days: flag(a, "days") ?? 30,
    budgetMin: flag(a, "budget-min") ?? 20,
  });
}
