// A Redis for local runs and tests: the one at REDIS_URL when it answers, else a redis-server started
// here with an append-only file (architecture.md, "Local infrastructure without Docker").
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRedis, type RedisClient } from "@sg/redis";
import { parseInfraEnv } from "./env.js";
import { defaultLog, freePort, isOurs, once, spawnDaemon, stopPid, stopWhenGone, tcpOpen, waitReady } from "./daemon.js";
import { redisStateFile, runDir } from "./paths.js";

export type EnsureRedisOptions = {
  /** A Redis to reuse if it answers PING. Default: env REDIS_URL. `null`: always start a redis-server. */
  url?: string | null;
  /** Port for a started redis-server. Default: a free port. */
  port?: number;
  log?: (msg: string) => void;
  /** Default 15s. */
  startTimeoutMs?: number;
  /** Stop a redis-server started here once this process exits, even if it is killed (a test run's pid). */
  stopWithProcess?: number;
  /**
   * The server's data folder (its append-only file), kept when it stops, so a restarted server finds its
   * state again. Default: a fresh temporary folder, removed on stop (tests).
   */
  dataDir?: string;
  /** More redis-server arguments, e.g. cluster mode (redis-cluster.ts). */
  extraArgs?: string[];
};

/**
 * The arguments every redis-server the project starts runs with: an append-only file fsynced every second
 * (`appendfsync everysec`: a crash loses at most the last second of writes, which `npm run rebuild` repairs
 * from sg.events; docs/operations.md "Redis persistence and rebuild"), and no RDB snapshots, which the AOF makes redundant.
 */
export function redisServerArgs(port: number, dir: string): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
  ];
}

export type RedisHandle = {
  url: string;
  /** False when an already running Redis was reused; `stop()` then does nothing. */
  started: boolean;
  stop(): Promise<void>;
};

/** What infra/.run/redis-<port>.json records about a redis-server it started, for `infra:down`. */
type RedisState = { pid: number; port: number; dir: string; url: string; keepDir?: boolean };

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch (err) {
    if (err instanceof TypeError) return "(unparsable REDIS_URL)";
    throw err;
  }
}

/** True when a Redis at `url` answers PING. */
export async function redisAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  return (await probeRedis(url, timeoutMs, async (redis) => (await redis.ping()) === "PONG")) ?? false;
}

/** The pid of the redis-server answering at `url` (INFO server), or undefined when none answers. */
async function redisServerPid(url: string, timeoutMs: number): Promise<number | undefined> {
  return probeRedis(url, timeoutMs, async (redis) => Number(/^process_id:(\d+)/m.exec(await redis.info("server"))?.[1]));
}

async function probeRedis<T>(url: string, timeoutMs: number, query: (redis: RedisClient) => Promise<T>): Promise<T | undefined> {
  const redis = createRedis(
    url,
    {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    },
    () => {
      // A probe's failure is its answer (the return value below); nothing to report.
    },
  );
  try {
    await redis.connect();
    return await query(redis);
  } catch {
    // Refused, timed out or not Redis: the caller starts its own.
    return undefined;
  } finally {
    redis.disconnect();
  }
}

function checkRedisServer(): void {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (r.error) {
    throw new Error(`redis-server is needed for a local Redis (${r.error.message}): apt-get install redis-server, or set REDIS_URL`, {
      cause: r.error,
    });
  }
}

export async function ensureRedis(options: EnsureRedisOptions = {}): Promise<RedisHandle> {
  const log = options.log ?? defaultLog;
  const candidate = options.url === undefined ? parseInfraEnv().REDIS_URL : options.url;
  if (candidate !== undefined && candidate !== null) {
    if (await redisAnswers(candidate)) {
      log(`redis: reusing ${safeUrl(candidate)}`);
      return { url: candidate, started: false, stop: async () => undefined };
    }
    log(`redis: ${safeUrl(candidate)} does not answer PING; starting a local redis-server`);
  }
  checkRedisServer();
  const port = options.port ?? (await freePort());
  const url = `redis://127.0.0.1:${port}`;
  if (options.port !== undefined && (await tcpOpen(port))) {
    throw new Error(`redis: port ${port} on 127.0.0.1 is already in use; set REDIS_URL to use what runs there, or pick another port`);
  }
  const keepDir = options.dataDir !== undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), "sg-redis-"));
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "redis.log");
  const args = [...redisServerArgs(port, dir), ...(options.extraArgs ?? [])];
  log(`redis: starting redis-server on ${url}`);
  const daemon = spawnDaemon("redis-server", args, { logFile, cwd: dir });
  if (options.stopWithProcess !== undefined) stopWhenGone(options.stopWithProcess, daemon.pid);
  const stateFile = redisStateFile(port);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify({ pid: daemon.pid, port, dir, url, keepDir } satisfies RedisState)}\n`);
  try {
    await waitReady({
      what: `redis-server (pid ${daemon.pid})`,
      daemon,
      logFile,
      timeoutMs: options.startTimeoutMs ?? 15_000,
      intervalMs: 100,
      // Ours, not another server that happens to answer on the port.
      ready: async () => (await redisServerPid(url, 500)) === daemon.pid,
    });
  } catch (err) {
    // waitReady has stopped the daemon (or it exited); its log is quoted in the error.
    rmSync(stateFile, { force: true });
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { url, started: true, stop: once(() => stopState({ pid: daemon.pid, port, dir, url, keepDir })) };
}

async function stopState(state: RedisState): Promise<void> {
  await stopPid(state.pid, 10_000);
  if (!state.keepDir) rmSync(state.dir, { recursive: true, force: true });
  rmSync(redisStateFile(state.port), { force: true });
}

function readState(file: string): RedisState {
  return JSON.parse(readFileSync(file, "utf8")) as RedisState;
}

/** The redis-servers infra started that still run (their state files), cleaning up stale ones. */
export function startedRedisServers(): RedisState[] {
  if (!existsSync(runDir)) return [];
  const out: RedisState[] = [];
  for (const f of readdirSync(runDir)) {
    if (!/^redis-\d+\.json$/.test(f)) continue;
    const state = readState(join(runDir, f));
    // redis-server shows itself as "redis-server 127.0.0.1:<port>".
    if (isOurs(state.pid, `:${state.port}`)) out.push(state);
    else {
      if (!state.keepDir) rmSync(state.dir, { recursive: true, force: true });
      rmSync(join(runDir, f), { force: true });
    }
  }
  return out;
}

/** Stops the redis-servers that infra started (all of them, or the one on `port`). Returns their URLs. */
export async function stopStartedRedisServers(port?: number): Promise<string[]> {
  const states = startedRedisServers().filter((s) => port === undefined || s.port === port);
  for (const s of states) await stopState(s);
  return states.map((s) => s.url);
}
