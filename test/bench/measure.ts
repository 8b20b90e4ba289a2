/**
 * Instruments the bench's rows share: bytes Redis sent on a connection, CPU time of this process and of
 * another, Redis's own CPU and memory counters, HTTP reads through the real gateway, percentiles, and a
 * summary of a V8 CPU profile by phase. Each measures at the source (the socket, the kernel, Redis's INFO)
 * rather than trusting the code under test to count for itself.
 */
import { readFileSync } from "node:fs";
import { Session, type Profiler } from "node:inspector";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import { isCluster, type Redis, type RedisClient } from "@sg/redis";

export const pct = (xs: readonly number[], q: number): number =>
  xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
export const median = (xs: readonly number[]): number => pct(xs, 0.5);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const mbs = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GB` : `${(b / 1024 ** 2).toFixed(1)} MB`);

/**
 * Bytes received on a single-node client's TCP socket so far: exactly what Redis sent on this connection
 * (RESP replies, framing included). Use a connection of its own for the calls being measured.
 */
export function socketBytesIn(redis: Redis): number {
  const stream = (redis as unknown as { stream?: Socket }).stream;
  if (!stream) throw new Error("the Redis client has no socket yet (not connected, or a cluster client)");
  return stream.bytesRead;
}

/** CPU seconds (user + system) this process used since `from` (process.cpuUsage). */
export function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** utime + stime of another process, seconds (/proc/<pid>/stat, clock ticks of 1/100 s); 0 once it exited. */
export function procCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** Resident set size of a process, bytes (/proc/<pid>/status VmRSS); 0 once it exited. */
export function procRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function infoField(info: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
}

/** used_cpu_user + used_cpu_sys of every Redis server (every master of a cluster), seconds. */
export async function redisCpu(redis: RedisClient): Promise<number> {
  let s = 0;
  for (const n of isCluster(redis) ? redis.nodes("master") : [redis]) {
    const info = await n.info("cpu");
    s += infoField(info, "used_cpu_user") + infoField(info, "used_cpu_sys");
  }
  return s;
}

/** INFO memory used_memory of every Redis server (every master of a cluster), bytes. */
export async function redisUsedMemory(redis: RedisClient): Promise<number> {
  let s = 0;
  for (const n of isCluster(redis) ? redis.nodes("master") : [redis]) s += infoField(await n.info("memory"), "used_memory");
  return s;
}

/**
 * Timed GETs of a read-API URL with a bearer token over a kept-alive HTTP connection (Node's fetch):
 * status 200 required, body read and parsed as JSON as a client would. Milliseconds per read.
 */
export async function timedRead(url: string, token: string): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const body = res.status === 200 ? (JSON.parse(text) as unknown) : text;
  return { ms: performance.now() - t0, status: res.status, body };
}

/** A V8 CPU profile of this process around `fn` (node:inspector), for `summariseProfile`. */
export async function profiled<T>(fn: () => Promise<T>): Promise<{ result: T; profile: Profiler.Profile }> {
  const session = await startProfile();
  try {
    const result = await fn();
    return { result, profile: await session.stop() };
  } finally {
    session.disconnect();
  }
}

/** The V8 sampling profiler of this process, started now (every 0.5 ms); `stop` ends it and gives the profile. */
export async function startProfile(): Promise<{ stop(): Promise<Profiler.Profile>; disconnect(): void }> {
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r as R))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
  return {
    async stop() {
      const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");
      session.disconnect();
      return profile;
    },
    disconnect: () => session.disconnect(),
  };
}

/**
 * Phases of the processor, by the code a sample's stack is in: the deepest frame that belongs to one of
 * them names the phase (node internals under kafkajs count as Kafka, under ioredis as Redis).
 */
export const PHASES: [name: string, test: (url: string) => boolean][] = [
  ["intake (JSON.parse + catalog parse + time checks)", (u) => /processor\/src\/consume\/intake|shared\/events\/src/.test(u)],
  ["fold (entity deltas: state/ and engine/; the evaluations' engine part too)", (u) => /processor\/src\/(engine|state)\//.test(u)],
  ["evaluation output (publish/: projection, alert transitions, daily history, evidence)", (u) => /processor\/src\/publish\//.test(u)],
  ["batching (processor.ts: grouping, dirty set, flush loop)", (u) => /processor\/src\/(processor|consume)/.test(u)],
  ["Redis round trip (ioredis: encode, socket, parse replies)", (u) => /node_modules\/(ioredis|redis-parser|denque|@ioredis)/.test(u)],
  ["Kafka (kafkajs: fetch, decode, commit, alerts produced)", (u) => /node_modules\/kafkajs/.test(u)],
];

/**
 * Self time of the profile by phase, µs per event. A sample is assigned to the innermost phase among its
 * frames, so a phase's figure includes the node internals it called; GC and samples outside every phase are
 * reported apart; idle and the profiler's own stop (node:inspector) are excluded.
 */
export function summariseProfile(profile: Profiler.Profile, events: number): { phase: string; usPerEvent: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = phaseOf.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const { url, functionName } = n.callFrame;
    let phase: string | undefined;
    // The profiler's own stop (node:inspector's dispatch serialising the profile) is not the processor's.
    if (functionName === "(idle)" || url === "node:inspector") phase = "(idle)";
    else if (functionName === "(garbage collector)") phase = "garbage collection";
    else if (functionName === "(program)") phase = "V8 and native code outside JavaScript ((program))";
    else phase = PHASES.find(([, t]) => url !== "" && t(url))?.[0];
    if (phase === undefined) {
      const p = parent.get(id);
      phase = p === undefined ? "other (timers, node internals, the bench's polling)" : resolve(p);
    }
    phaseOf.set(id, phase);
    return phase;
  };
  const us = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ph = resolve(samples[i]!);
    us.set(ph, (us.get(ph) ?? 0) + (deltas[i] ?? 0));
  }
  us.delete("(idle)");
  const order = [
    ...PHASES.map(([n]) => n),
    "garbage collection",
    "V8 and native code outside JavaScript ((program))",
    "other (timers, node internals, the bench's polling)",
  ];
  return order.filter((p) => us.has(p)).map((phase) => ({ phase, usPerEvent: us.get(phase)! / events }));
}
