/**
 * Scaling benchmark (issue 10): processor throughput with 1, 2 and 3 processor processes on a 12-partition
 * topic, against one Redis and against a local 3-master Redis Cluster. Each run starts the processors
 * (child processes, one consumer group), waits for the group to settle, produces the events, and times
 * until every partition's committed offset is at its end (the processor commits only after Redis has
 * applied a batch). It also samples where the CPU went: the processors, the Redis servers, and the rest
 * of the machine (Kafka, the producer here, other users of the machine).
 *
 * It also prints CPU-seconds per 100k events, of the processors together and of Redis: a figure that needs no
 * spare cores (flat across 1, 2 and 3 processors means more processors cost nothing extra per event, so the
 * throughput is a matter of cores).
 *
 * Alone: `npx tsx test/bench/scaling.ts` or `npx tsx test/bench/main.ts --only scaling` (BENCH_SCALING_EVENTS,
 * default 30,000). Short on purpose.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { shopKey, topicNames, type CanonicalEvent, type Platform } from "@sg/events";
import { ensureRedisCluster, resolveLocalInfra } from "@sg/infra";
import { createKafka, createProducer, ensureTopics, logLevel, type Kafka } from "@sg/kafka";
import { createRedis, deleteByPrefix, isCluster, type RedisClient } from "@sg/redis";
import { mixOf, shopMonth } from "./history.js";
import { packsLabel, writePacksConfig } from "./packs.js";
import { PROCESSOR_NODE_FLAGS } from "./node-flags.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
const PARTITIONS = 12;
const TICK = 100; // /proc CPU times are in clock ticks of 1/100 s on Linux

export type ScalingOptions = {
  brokers: string[];
  redisUrl: string;
  /** A cluster URL; unset: a local 3-master cluster is started for the run and stopped after. */
  clusterUrl?: string;
  line?: (s: string) => void;
  /** Events per run; default 30,000 (48 shops). */
  events?: number;
  processors?: number[];
  /** Give up on one run after this long (ms). */
  runTimeoutMs?: number;
};

type RunResult =
  | { ok: true; secs: number; produceSecs: number; perSec: number; procCpu: number; redisCpu: number; machineBusy: number }
  | { ok: false; why: string; log: string };

/** `total` events of 48 shops' last 3 days (history.ts's shop-month mix, 4 platforms), each shop's in time order. */
function events(total: number): CanonicalEvent[] {
  const shops = 48;
  // A little more than needed, so the cut at `total` is never short.
  const perDay = Math.ceil((1.2 * total) / shops / 3);
  const nowMs = Date.now();
  const out: CanonicalEvent[] = [];
  for (let s = 0; s < shops; s++)
    out.push(...shopMonth({ platform: PLATFORMS[s % 4]!, shopId: `sc${s}`, days: 3, lead: 7, perDay, nowMs }));
  return out.slice(0, total);
}

/** utime + stime of a process, seconds. */
function procCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch (err) {
    // The process has exited: its time is no longer visible; the run is reported without it.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusy(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return (total - (f[3] ?? 0) - (f[4] ?? 0)) / TICK;
}

/** used_cpu_user + used_cpu_sys of every Redis server (every master of a cluster), seconds. */
async function redisCpu(redis: RedisClient): Promise<number> {
  const nodes = isCluster(redis) ? redis.nodes("master") : [redis];
  let s = 0;
  for (const n of nodes) {
    const info = await n.info("cpu");
    s += Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  }
  return s;
}

async function groupState(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<{ members: number; stable: boolean; done: number; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const high = await admin.fetchTopicOffsets(topic);
    return {
      members: groups[0]?.members.length ?? 0,
      stable: groups[0]?.state === "Stable",
      done: (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      total: high.reduce((n, p) => n + Number(p.high), 0),
    };
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(
  kafka: Kafka,
  brokers: string[],
  redisUrl: string,
  n: number,
  evs: CanonicalEvent[],
  timeoutMs: number,
): Promise<RunResult> {
  const run = `scale-${randomUUID().slice(0, 8)}`;
  const configPath = writePacksConfig();
  const topics = topicNames(`${run}.`);
  await ensureTopics(kafka, [
    { topic: topics.events, numPartitions: PARTITIONS },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.alerts, numPartitions: 1 },
  ]);
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers.join(","),
    REDIS_URL: redisUrl,
    TOPIC_PREFIX: `${run}.`,
    KEY_PREFIX: run,
    PROCESSOR_GROUP: run,
    PROCESSOR_PORT: "0",
    EVENTS_PARTITIONS: String(PARTITIONS),
    LOG_LEVEL: "error",
    SCOREGUARD_CONFIG: configPath,
  };
  const children: ChildProcess[] = [];
  const stderr: string[] = [];
  const redis = createRedis(redisUrl);
  const producer = createProducer(kafka);
  try {
    for (let i = 0; i < n; i++) {
      const child = spawn(process.execPath, [...PROCESSOR_NODE_FLAGS, "--import", "tsx", "services/processor/src/main.ts"], {
        cwd: root,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      // kafkajs logs every rebalance at error level; kept, and shown only if the run fails.
      child.stderr?.on("data", (b: Buffer) => {
        stderr.push(b.toString("utf8"));
        if (stderr.length > 50) stderr.shift();
      });
      children.push(child);
    }
    const joinBy = Date.now() + 120_000;
    for (;;) {
      const g = await groupState(kafka, run, topics.events);
      if (g.stable && g.members === n) break;
      if (Date.now() > joinBy) return { ok: false, why: `the group did not settle with ${n} members`, log: stderr.join("") };
      if (children.some((c) => c.exitCode !== null)) return { ok: false, why: "a processor exited during start-up", log: stderr.join("") };
      await sleep(200);
    }
    await producer.connect();
    const cpu0 = children.map((c) => procCpu(c.pid!));
    const r0 = await redisCpu(redis);
    const m0 = machineBusy();
    const t0 = performance.now();
    for (let i = 0; i < evs.length; i += 5000) {
      await producer.send({
        topic: topics.events,
        messages: evs.slice(i, i + 5000).map((e) => ({ key: shopKey(e), value: JSON.stringify(e) })),
      });
    }
    const produceSecs = (performance.now() - t0) / 1000;
    const deadline = Date.now() + timeoutMs;
    let last = { done: -1, at: Date.now() };
    for (;;) {
      const g = await groupState(kafka, run, topics.events);
      if (g.total === evs.length && g.done === g.total) break;
      if (g.done !== last.done) last = { done: g.done, at: Date.now() };
      // A processor that cannot apply batches (e.g. state code that pipelines across cluster nodes) stalls.
      if (Date.now() - last.at > 30_000)
        return { ok: false, why: `no progress for 30 s at ${g.done} of ${evs.length} events`, log: stderr.join("") };
      if (Date.now() > deadline)
        return { ok: false, why: `${g.done} of ${evs.length} events applied after ${timeoutMs / 1000} s`, log: stderr.join("") };
      if (children.some((c) => c.exitCode !== null)) return { ok: false, why: "a processor exited", log: stderr.join("") };
      await sleep(100);
    }
    const secs = (performance.now() - t0) / 1000;
    const cpu = children.reduce((s, c, i) => s + procCpu(c.pid!) - cpu0[i]!, 0);
    return {
      ok: true,
      secs,
      produceSecs,
      perSec: evs.length / secs,
      procCpu: cpu,
      redisCpu: (await redisCpu(redis)) - r0,
      machineBusy: machineBusy() - m0,
    };
  } catch (err) {
    process.stderr.write(stderr.join(""));
    throw err;
  } finally {
    await Promise.all(
      children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        return Promise.race([exited, sleep(15_000).then(() => c.kill("SIGKILL"))]);
      }),
    );
    await producer.disconnect();
    await deleteByPrefix(redis, run);
    redis.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .deleteTopics({ topics: [topics.events, topics.dlq, topics.alerts] })
      .catch((err: unknown) => console.error(`could not delete the bench topics: ${String(err)}`));
    await admin.disconnect();
  }
}

export async function scalingBench(o: ScalingOptions): Promise<void> {
  const line = o.line ?? ((s: string) => console.log(s));
  const counts = o.processors ?? [1, 2, 3];
  const evs = events(o.events ?? Number(process.env.BENCH_SCALING_EVENTS ?? 30_000));
  const kafka = createKafka({ brokers: o.brokers, clientId: "scaling-bench", logLevel: logLevel.NOTHING });
  let cluster: { url: string; stop: () => Promise<void> } | undefined;
  if (!o.clusterUrl) cluster = await ensureRedisCluster({ log: () => undefined });
  const clusterUrl = o.clusterUrl ?? cluster!.url;
  line(
    `   ${evs.length} events, 48 shops × the last 3 days of history.ts's mix (lifecycles begun up to 7 days earlier included) (${mixOf(evs)}), ${packsLabel()}, ${PARTITIONS} partitions; processors are child processes; ${(await import("node:os")).cpus().length} cores, load ${loadavg()[0]!.toFixed(1)} at start`,
  );
  line(
    "   method: processors are child processes, CPU from /proc/<pid>/stat; Redis CPU from INFO cpu (used_cpu_user+sys, every master); timed until every partition's committed offset is at its end",
  );
  line(
    "   redis      procs   events/s   wall s (producing)   CPU s: procs  redis  machine(all)   x vs 1 proc   CPU s per 100k events: procs  redis",
  );
  try {
    for (const [name, url] of [
      ["single", o.redisUrl],
      ["cluster×3", clusterUrl],
    ] as const) {
      let base: number | undefined;
      for (const n of counts) {
        const r = await runOnce(kafka, o.brokers, url, n, evs, o.runTimeoutMs ?? 120_000);
        if (!r.ok) {
          process.stderr.write(`${r.why}\n${r.log}`);
          line(`   ${name.padEnd(10)} ${String(n).padStart(5)}   did not finish: ${r.why}`);
          continue;
        }
        base ??= n === 1 ? r.perSec : undefined;
        const x = base ? `${(r.perSec / base).toFixed(2)}x` : "";
        line(
          `   ${name.padEnd(10)} ${String(n).padStart(5)} ${r.perSec.toFixed(0).padStart(10)} ${r.secs.toFixed(1).padStart(8)} ${`(${r.produceSecs.toFixed(1)})`.padStart(11)} ${r.procCpu.toFixed(1).padStart(13)} ${r.redisCpu.toFixed(1).padStart(6)} ${r.machineBusy.toFixed(1).padStart(14)}   ${x.padEnd(11)} ${((r.procCpu * 1e5) / evs.length).toFixed(2).padStart(28)} ${((r.redisCpu * 1e5) / evs.length).toFixed(2).padStart(6)}`,
        );
        if (n === 2 && base) {
          const met = r.perSec / base >= 1.7;
          line(
            `   ${name}: 1 → 2 processors ${(r.perSec / base).toFixed(2)}x, goal ≥ 1.7x ${met ? "met" : "NOT met"}` +
              (met
                ? ""
                : `; the machine was busy ${(r.machineBusy / r.secs).toFixed(2)} of its cores on average during the run (processors ${(r.procCpu / r.secs).toFixed(2)}, Redis ${(r.redisCpu / r.secs).toFixed(2)})`),
          );
        }
      }
    }
  } finally {
    await cluster?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const infra = await resolveLocalInfra();
  console.log(`ScoreGuard scaling benchmark (${new Date().toISOString()}, Node ${process.version})`);
  await scalingBench({ brokers: infra.brokers, redisUrl: infra.redisUrl });
}
