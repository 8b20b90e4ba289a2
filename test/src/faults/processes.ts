// Real processes for fault tests: a redis-server of the test's own (AOF, so a SIGKILL and restart keeps
// its data, as in production), and service processes run the way `npm start` runs them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { redisServerArgs } from "@sg/infra";
import { pollUntil } from "../index.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}

export interface OwnRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILLs the server (no chance to write anything more) and waits for it to be gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server for one test, on a free port, with the project's AOF settings; `password` sets requirepass. */
export async function startOwnRedis(opts: { password?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "sg-fault-redis-"));
  const args = [...redisServerArgs(port, dir), ...(opts.password ? ["--requirepass", opts.password] : [])];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", args, { cwd: dir, stdio: "ignore" });
    const c = child;
    await pollUntil(() => c.exitCode === null && tcpAnswers(port), { timeoutMs: 15_000, message: `redis-server on ${port}` });
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await gone;
  };
  await start();
  return {
    url: opts.password ? `redis://:${opts.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    restart: start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false)); // refused: not listening yet
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** True while it runs; `exitedOnItsOwn` is set when it exits without the test killing it. */
  readonly exitedOnItsOwn: boolean;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Runs `services/<entry>` with tsx, as `npm start` and the service scripts do. */
export function startService(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let killedByTest = false;
  let exitedOnItsOwn = false;
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code) => {
      if (!killedByTest) exitedOnItsOwn = true;
      r(code);
    }),
  );
  return {
    child,
    output: () => out,
    get exitedOnItsOwn() {
      return exitedOnItsOwn;
    },
    async kill(signal) {
      killedByTest = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A configuration file for an all-in-one under fault: one API token for every Kuaishou shop, and critical
 * alerts to one webhook receiver after a 1 s group wait.
 */
export function criticalToWebhookConfig(run: string, hookUrl: string): { token: string; configPath: string } {
  const token = `tok-${run}`;
  const configPath = join(mkdtempSync(join(tmpdir(), "sg-fault-")), "scoreguard.yaml");
  writeFileSync(
    configPath,
    [
      "apiTokens:",
      `  - { token: "${token}", shops: ["kuaishou:*"] }`,
      "receivers:",
      `  hook: { type: webhook, url: "${hookUrl}" }`,
      "routes:",
      "  - match: { severity: critical }",
      "    receivers: [hook]",
      "    groupWait: 1s",
      "",
    ].join("\n"),
  );
  return { token, configPath };
}
