import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pollUntil, testInfra, uniqueName } from "@sg/test";

/**
 * Run as a newcomer would: `npm start -- --demo` with no configuration prints a local API token
 * (scope `*`, kept in a file only its owner reads) and the board's URL, and within a minute its log shows an
 * at-risk warning and its resolution; during Kuaishou's service hours also a breach and its resolution.
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Chat waits count from 08:00 to 23:00 Asia/Shanghai; the demo's chat story needs its first 90 s inside them. */
function inKuaishouServiceHours(ms: number): boolean {
  const minutes = ((Math.floor((ms + 8 * 3_600_000) / 60_000) % 1440) + 1440) % 1440;
  return minutes >= 8 * 60 + 5 && minutes < 23 * 60 - 5;
}

describe("npm start -- --demo", () => {
  it(
    "prints a local token and the board URL, and shows an at-risk warning, a breach and their resolution within a minute",
    { timeout: 240_000 },
    async () => {
      const { brokers, redisUrl } = testInfra();
      const run = uniqueName("demo");
      const tokenFile = join(mkdtempSync(join(tmpdir(), "sg-demo-")), "local-token");
      const port = await freePort();
      let out = "";
      const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "services/allinone/src/main.ts", "--demo"], {
        cwd: root,
        env: {
          ...process.env,
          KAFKA_BROKERS: brokers.join(","),
          REDIS_URL: redisUrl,
          SCOREGUARD_CONFIG: "",
          SCOREGUARD_LOCAL_TOKEN_FILE: tokenFile,
          GATEWAY_PORT: String(port),
          TOPIC_PREFIX: `${run}.`,
          KEY_PREFIX: run,
          EVENTS_PARTITIONS: "2",
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      try {
        await pollUntil(() => out.includes("ready. Ctrl-C to stop."), {
          timeoutMs: 90_000,
          message: `the demo starts; output so far:\n${out}`,
        });
        const started = Date.now();
        const token = readFileSync(tokenFile, "utf8").trim();
        expect(token).toMatch(/^sg_local_[A-Za-z0-9_-]{32}$/);
        expect(statSync(tokenFile).mode & 0o077).toBe(0);
        expect(out).toContain(token);
        expect(out).toContain(`board   http://127.0.0.1:${port}/board`);
        const board = await fetch(`http://127.0.0.1:${port}/board`);
        expect(board.status).toBe(200);
        const res = await fetch(`http://127.0.0.1:${port}/v1/shops/douyin/dy-tea-house/metrics`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect([200, 404]).toContain(res.status);

        await pollUntil(() => out.includes("douyin:dy-tea-house ALERT FIRING: pickup_24h_rate at_risk"), {
          timeoutMs: 30_000,
          message: `at risk; output:\n${out}`,
        });
        await pollUntil(() => out.includes("douyin:dy-tea-house alert resolved: pickup_24h_rate at_risk"), {
          timeoutMs: 45_000,
          message: `at-risk resolved; output:\n${out}`,
        });
        await pollUntil(() => out.includes("pdd:pdd-fruit-farm alert resolved: overdue_refund_count at_risk"), {
          timeoutMs: 45_000,
          message: `refund resolved; output:\n${out}`,
        });
        if (inKuaishouServiceHours(started) && inKuaishouServiceHours(started + 90_000)) {
          await pollUntil(() => out.includes("kuaishou:ks-flower-shop human_reply_3min_rate = 66.7%: warning → BREACH"), {
            timeoutMs: 60_000,
            message: `breach; output:\n${out}`,
          });
          await pollUntil(() => /kuaishou:ks-flower-shop human_reply_3min_rate = [\d.]+%: breach → WARNING/.test(out), {
            timeoutMs: 60_000,
            message: `breach resolved; output:\n${out}`,
          });
          expect(Date.now() - started).toBeLessThan(120_000);
        }

        child.kill("SIGINT");
        expect(await exited, `exit code after SIGINT; output:\n${out}`).toBe(0);
      } finally {
        child.kill("SIGKILL");
      }
    },
  );
});
