import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { disputeBreach, DISPUTE_METRIC, pollUntil, testInfra, uniqueName } from "@sg/test";
import { startDingTalkRobot, startFeishuRobot } from "../../../test/robots/index.js";

/**
 * The all-in-one, run as a user would: `npm start`'s process with a config naming local robot servers; events
 * posted to POST /v1/events that breach a threshold reach both robots, signed, within group_wait plus a few
 * seconds; no secret reaches the logs; Ctrl-C stops it cleanly.
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

describe("all-in-one process", () => {
  it("takes events over HTTP and delivers a signed critical alert to two robots", { timeout: 180_000 }, async () => {
    const { brokers, redisUrl } = testInfra();
    const run = uniqueName("aio");
    const dingSecret = `SEC${run.replace(/-/g, "")}`;
    const feishuSecret = `fs-${run}`;
    const token = `tok-${run}`;
    const ding = await startDingTalkRobot({ accessToken: `dt-${run}`, secret: dingSecret });
    const feishu = await startFeishuRobot({ token: `hook-${run}`, secret: feishuSecret });
    const dir = mkdtempSync(join(tmpdir(), "sg-aio-"));
    const configPath = join(dir, "scoreguard.yaml");
    writeFileSync(
      configPath,
      [
        "apiTokens:",
        `  - { token: "${token}", shops: ["kuaishou:*"] }`,
        "receivers:",
        `  ding: { type: dingtalk, url: "${ding.url}", secret: "${dingSecret}" }`,
        `  lark: { type: feishu, url: "${feishu.url}", secret: "${feishuSecret}" }`,
        "routes:",
        "  - match: { severity: critical }",
        "    receivers: [ding, lark]",
        "    groupWait: 2s",
        "",
      ].join("\n"),
    );
    const port = await freePort();
    const opsPort = await freePort();
    let out = "";
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "services/allinone/src/main.ts"], {
      cwd: root,
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers.join(","),
        REDIS_URL: redisUrl,
        SCOREGUARD_CONFIG: configPath,
        GATEWAY_PORT: String(port),
        OPS_PORT: String(opsPort),
        TOPIC_PREFIX: `${run}.`,
        KEY_PREFIX: run,
        EVENTS_PARTITIONS: "2",
        LOG_LEVEL: "debug",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      const opsBase = `http://127.0.0.1:${opsPort}`;
      await pollUntil(async () => (await fetch(`${opsBase}/readyz`)).status === 200, { timeoutMs: 90_000, message: "all-in-one ready" });
      expect(out).toContain(`gateway http://127.0.0.1:${port}`);
      expect(out).toContain(`ops     http://127.0.0.1:${opsPort}/metrics`);
      // The per-shop series are on the ops port only.
      expect((await fetch(`${base}/metrics`)).status).toBe(404);

      // Four refunds completed in the last hours, each ruled against the merchant (any hour of the day: chat
      // metrics would count nothing at night).
      const res = await fetch(`${base}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(disputeBreach("shop1", Date.now(), run)),
      });
      expect(res.status).toBe(202);
      const posted = Date.now();

      // 4 disputes of 4 completed after-sales: over the 0.35% line with at least 4, a critical threshold alert.
      await pollUntil(() => ding.messages.length > 0 && feishu.messages.length > 0, {
        timeoutMs: 30_000,
        message: "both robots received the alert",
      });
      const elapsed = Date.now() - posted;
      expect(elapsed).toBeLessThan(2_000 + 15_000);
      expect(ding.answers.every((c) => c === 0)).toBe(true);
      expect(ding.messages[0]!.text).toContain("shop1");
      expect(JSON.stringify(feishu.messages[0])).toContain("shop1");

      const metrics = await fetch(`${base}/v1/shops/kuaishou/shop1/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await metrics.json()) as { metrics: Record<string, { value: number; status: string }> };
      expect(body.metrics[DISPUTE_METRIC]).toMatchObject({ value: 1, status: "breach" });

      child.kill("SIGINT");
      expect(await exited).toBe(0);
      for (const secret of [dingSecret, feishuSecret, token, `dt-${run}`, `hook-${run}`]) expect(out).not.toContain(secret);
    } catch (err) {
      // The all-in-one's own log says where the alert stopped (processor, notifier, robot): print its tail, with
      // this run's secrets blanked out, before the failure.
      let log = out.slice(-20_000);
      for (const secret of [dingSecret, feishuSecret, token, `dt-${run}`, `hook-${run}`]) log = log.split(secret).join("<secret>");
      console.error(`all-in-one log (last ${log.length} characters):\n${log}`);
      throw err;
    } finally {
      child.kill("SIGKILL");
      await ding.close();
      await feishu.close();
    }
  });
});
