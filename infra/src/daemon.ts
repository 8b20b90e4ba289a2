// Starting and stopping detached daemons (the Kafka broker, redis-server) from a Node process.
//
// A daemon must never inherit the parent's stdout/stderr: a CI runner, `npm test` or a shell pipe waits
// for every holder of the pipe to close it, so a broker left running would hang them forever. Daemons get
// stdin from /dev/null and stdout/stderr to a log file, their own process group, and are unref'd.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { fileURLToPath } from "node:url";

export type Log = (msg: string) => void;

export const defaultLog: Log = (msg) => {
  process.stderr.write(`[infra] ${msg}\n`);
};

export type Daemon = { pid: number; child: ChildProcess; exited: Promise<number | null> };

export function spawnDaemon(command: string, args: string[], opts: { logFile: string; cwd: string }): Daemon {
  const fd = openSync(opts.logFile, "w");
  try {
    const child = spawn(command, args, { cwd: opts.cwd, detached: true, stdio: ["ignore", fd, fd] });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", reject);
    });
    // Settle the promise even if nobody awaits it (spawn errors are reported through waitReady).
    exited.catch(() => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}; see ${opts.logFile}`);
    return { pid: child.pid, child, exited };
  } finally {
    closeSync(fd);
  }
}

/** True when `pid` runs and is not a zombie (an orphan in a container may never be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EPERM") return true;
    return false;
  }
  const stat = readProc(pid, "stat");
  // /proc/<pid>/stat: "pid (comm) S ..."; the state follows the last ')'.
  if (stat !== undefined && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z") return false;
  return true;
}

function readProc(pid: number, file: string): string | undefined {
  const path = `/proc/${pid}/${file}`;
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    // The process ended between the two calls.
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ESRCH") return undefined;
    throw err;
  }
}

/**
 * The pid recorded in `pidFile` if that process still runs and its command line contains `marker` (so a
 * recycled pid is not mistaken for ours). Removes a stale pid file.
 */
export function livePid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = readPid(pidFile);
  if (pid !== undefined && isOurs(pid, marker)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** True when `pid` runs and its command line contains `marker` (where /proc can tell). */
export function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readProc(pid, "cmdline");
  return cmdline === undefined || cmdline.includes(marker);
}

export function writePidFile(pidFile: string, pid: number): void {
  writeFileSync(pidFile, `${pid}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM, wait up to `timeoutMs` for the process to end, then SIGKILL. */
export async function stopPid(pid: number, timeoutMs: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await sleep(200);
      return;
    }
    await sleep(100);
  }
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function tcpOpen(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not pick a free port"));
      });
    });
  });
}

/**
 * Polls `ready` until it resolves true. Fails early when the daemon exits, and after `timeoutMs`; both
 * errors quote the end of the log.
 */
export async function waitReady(opts: {
  what: string;
  daemon: Daemon;
  logFile: string;
  timeoutMs: number;
  intervalMs?: number;
  ready: () => Promise<boolean>;
}): Promise<void> {
  let exit: { code: number | null } | { error: unknown } | undefined;
  opts.daemon.exited.then(
    (code) => {
      exit = { code };
    },
    (error: unknown) => {
      exit = { error };
    },
  );
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (exit !== undefined) {
      const why = "error" in exit ? `could not be started: ${String(exit.error)}` : `exited with code ${exit.code}`;
      throw new Error(`${opts.what} ${why}. Log ${opts.logFile}:\n${tail(opts.logFile)}`);
    }
    if (await opts.ready()) return;
    if (Date.now() > deadline) {
      await stopPid(opts.daemon.pid, 5_000);
      throw new Error(
        `${opts.what} did not answer within ${Math.round(opts.timeoutMs / 1000)}s; it was stopped. Log ${opts.logFile}:\n${tail(opts.logFile)}`,
      );
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** Runs `fn` once; later calls get the same promise (stop() must be single-flight and idempotent). */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

/**
 * Runs `fn` while holding a lock file (created exclusively, holding our pid), so that two processes
 * starting the same daemon, or fetching the same jars, take turns. A lock whose holder died is taken over.
 */
export async function withLockFile<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readPid(file);
    if (holder !== undefined && !isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${file} is still held by pid ${holder ?? "?"} after ${Math.round(timeoutMs / 1000)}s`);
    await sleep(250);
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/** The pid in a pid or lock file; undefined while the file is missing or being written. */
function readPid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Starts a detached watchdog that sends SIGTERM to `daemonPid` once `ownerPid` has exited (see
 * watchdog.mjs). For daemons that must not outlive their owner even when the owner is SIGKILLed.
 */
export function stopWhenGone(ownerPid: number, daemonPid: number): void {
  const script = fileURLToPath(new URL("./watchdog.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, String(ownerPid), String(daemonPid)], { detached: true, stdio: "ignore" });
  child.unref();
}
