import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { createKafka, createProducer } from "@sg/kafka";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { describe, expect, it } from "vitest";
import { panelQueries, substitute } from "../../infra/src/observability/panel-queries.js";
import { promtool } from "../../infra/src/observability/promtool.js";
import { renderDashboardPng } from "../../infra/src/observability/render.js";
import { startDingTalkRobot, startFeishuRobot } from "../robots/index.js";

/**
 * The dashboards checked against a real Prometheus (Debian's `prometheus` package, which
 * `npm test`'s pretest check installs). The all-in-one process runs as `npm start` would; a Prometheus of the test's own (free
 * port, temp data dir, 1 s scrapes, ScoreGuard's rules) scrapes it; events drive a breach, a duplicate, a
 * refusal, a dead letter, one delivery that succeeds and one the robot refuses permanently. Then every panel
 * query of every committed dashboard must return data from the Prometheus HTTP API, the shop dashboard's
 * variables must list the shop, promtool must accept the config and the scraped metrics, and the
 * "deliveries failing" rule must fire.
 *
 * SG_WRITE_DOCS=1 also writes the README's pictures (docs/dashboard-*.png) from this run's data.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const dashboardDir = join(root, "infra/grafana/dashboards");

/**
 * THE one place that says where the all-in-one serves /metrics. Today that is the gateway's port; once the
 * ops endpoints are on their own server (OPS_HOST/OPS_PORT), never the public port.
 */
function scrapeTarget(ports: { gateway: number; ops: number }): { hostPort: string; path: string } {
  return { hostPort: `127.0.0.1:${ports.ops}`, path: "/metrics" };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): Child {
  let out = "";
  const proc = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  proc.stderr.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-200_000)));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, output: () => out, exited };
}

async function stop(c: Child | undefined): Promise<void> {
  if (!c || c.proc.exitCode !== null) return;
  c.proc.kill("SIGTERM");
  const t = setTimeout(() => c.proc.kill("SIGKILL"), 15_000);
  await c.exited;
  clearTimeout(t);
}

type PromResult = Array<{ metric: Record<string, string>; value: [number, string] }>;

async function instant(base: string, query: string): Promise<PromResult> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query }).toString()}`);
  const body = (await res.json()) as { status: string; data?: { result: PromResult }; error?: string };
  if (body.status !== "success") throw new Error(`query failed: ${query}: ${body.error ?? res.status}`);
  return body.data!.result;
}

type PromMatrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;

async function range(base: string, query: string, startMs: number, endMs: number): Promise<PromMatrix> {
  const params = { query, start: String(startMs / 1000), end: String(endMs / 1000), step: "1s" };
  const res = await fetch(`${base}/api/v1/query_range?${new URLSearchParams(params).toString()}`);
  const body = (await res.json()) as { status: string; data?: { result: PromMatrix }; error?: string };
  if (body.status !== "success") throw new Error(`query failed: ${query}: ${body.error ?? res.status}`);
  return body.data!.result;
}

const hasNumber = (m: PromMatrix) => m.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v))));

describe("dashboards against a real Prometheus", () => {
  it(
    "every panel query of every dashboard returns data; promtool accepts config, rules and metrics; a rule fires",
    { timeout: 300_000 },
    async () => {
      const { brokers, redisUrl } = testInfra();
      const run = uniqueName("obs");
      const dir = mkdtempSync(join(tmpdir(), "sg-obs-"));
      const token = `tok-${run}`;
      const shopId = "shop1";
      // Douyin's pickup_24h_rate: it has no service hours, so the story below runs the same at any hour
      // (chat metrics count nothing at night).
      const platform = "douyin";
      // Feishu accepts; the DingTalk receiver is configured with a secret the robot does not know, so each
      // message is answered 310000 "sign not match": permanent, given up at once.
      const feishuSecret = `fs-${run}`;
      const feishu = await startFeishuRobot({ token: `hook-${run}`, secret: feishuSecret });
      const ding = await startDingTalkRobot({ accessToken: `dt-${run}`, secret: `SEC-right-${run}` });
      // Douyin's score API, as the reconciler pulls it: shop1's figures of yesterday once the test says they are
      // out (before, "busy, retry"), with a pickup rate far from ours, so the comparison drifts; shop2 is refused
      // for good, so its figures stay missing.
      let figuresOut = false;
      const scoreApi: Server = createHttpServer((req, res) => {
        const shop = new URL(req.url ?? "/", "http://x").searchParams.get("access_token");
        const answer =
          shop === "at-shop1"
            ? figuresOut
              ? { err_no: 0, data: { collect_ontime_rate: 0.5 } }
              : { err_no: 50002, message: "busy" }
            : { err_no: 40001, message: "no such shop" };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      });
      await new Promise<void>((r) => scoreApi.listen(0, "127.0.0.1", r));
      const scoreApiUrl = `http://127.0.0.1:${(scoreApi.address() as { port: number }).port}`;
      const configPath = join(dir, "scoreguard.yaml");
      writeFileSync(
        configPath,
        [
          "apiTokens:",
          `  - { token: "${token}", shops: ["douyin:*"] }`,
          "receivers:",
          `  lark: { type: feishu, url: "${feishu.url}", secret: "${feishuSecret}" }`,
          `  ding: { type: dingtalk, url: "${ding.url}", secret: "SEC-wrong-${run}" }`,
          "routes:",
          "  - match: { severity: critical }",
          "    receivers: [lark, ding]",
          "    groupWait: 1s",
          "reconciliation:",
          `  douyin: { appKey: k-${run}, appSecret: s-${run}, host: "${scoreApiUrl}", pullAt: "00:00",`,
          "            shops: { shop1: { accessToken: at-shop1 }, shop2: { accessToken: at-shop2 } } }",
          "  backoff: 1s",
          "  maxBackoff: 2s",
          "  attempts: 50",
          "",
        ].join("\n"),
      );

      const ports = { gateway: await freePort(), ops: await freePort(), prometheus: await freePort() };
      const topicPrefix = `${run}.`;
      let sg: Child | undefined;
      let prom: Child | undefined;
      try {
        sg = start(process.execPath, ["--import", "tsx", "services/allinone/src/main.ts"], {
          ...process.env,
          KAFKA_BROKERS: brokers.join(","),
          REDIS_URL: redisUrl,
          SCOREGUARD_CONFIG: configPath,
          GATEWAY_PORT: String(ports.gateway),
          OPS_HOST: "127.0.0.1",
          OPS_PORT: String(ports.ops),
          TOPIC_PREFIX: topicPrefix,
          KEY_PREFIX: run,
          EVENTS_PARTITIONS: "2",
          NOTIFIER_TICK_MS: "200",
          RECONCILER_TICK_MS: "1000",
          LOG_LEVEL: "warn",
        });
        const base = `http://127.0.0.1:${ports.gateway}`;
        await pollUntil(async () => (await fetch(`http://127.0.0.1:${ports.ops}/readyz`)).status === 200, {
          timeoutMs: 120_000,
          intervalMs: 500,
          message: "all-in-one ready",
        });

        // Prometheus of the test's own: generated config, 1 s scrapes, ScoreGuard's rules.
        const target = scrapeTarget(ports);
        const promConfig = join(dir, "prometheus.yml");
        writeFileSync(
          promConfig,
          [
            "global: { scrape_interval: 1s, evaluation_interval: 1s }",
            `rule_files: ["${join(root, "infra/prometheus/rules.yml")}"]`,
            "scrape_configs:",
            "  - job_name: scoreguard",
            `    metrics_path: ${target.path}`,
            `    static_configs: [{ targets: ["${target.hostPort}"] }]`,
            "",
          ].join("\n"),
        );
        expect(await promtool(["check", "config", promConfig], { cwd: dir })).toContain("SUCCESS");
        mkdirSync(join(dir, "data"));
        prom = start(
          "prometheus",
          [
            `--config.file=${promConfig}`,
            `--storage.tsdb.path=${join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${ports.prometheus}`,
            "--storage.tsdb.retention.time=1h",
          ],
          process.env,
        );
        const promUrl = `http://127.0.0.1:${ports.prometheus}`;
        await pollUntil(async () => (await fetch(`${promUrl}/-/ready`)).status === 200, {
          timeoutMs: 60_000,
          intervalMs: 250,
          message: `prometheus ready\n${prom.output()}`,
        });
        await pollUntil(async () => (await instant(promUrl, 'up{job="scoreguard"} == 1')).length === 1, {
          timeoutMs: 30_000,
          message: "scoreguard scraped",
        });
        const startedAt = Date.now();

        // Events, in waves so the graphs have a shape. In-stock orders paid 30 hours ago were picked up within
        // 24 hours or not: in time/missed per wave 10/0, 0/2, 27/0, 0/3 move the shop's pickup_24h_rate through
        // 100%, 83% (breach, under the 90% line), 94.9% (warning, under the 95% target), 88% (breach). The last
        // wave also holds an order paid an hour ago (pending); wave 1 repeats an event (a duplicate) and wave 2
        // posts with a wrong token (a refusal).
        const post = (body: unknown, auth = token) =>
          fetch(`${base}/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        const order = (id: string, type: string, at: number, orderId: string) => ({
          id: `${run}-${id}`,
          type,
          platform,
          shopId,
          at: new Date(at).toISOString(),
          orderId,
          ...(type === "order.paid" ? { amount: 59 } : {}),
        });
        const waves = [
          { inTime: 10, missed: 0 },
          { inTime: 0, missed: 2 },
          { inTime: 27, missed: 0 },
          { inTime: 0, missed: 3, waiting: 1 },
        ];
        for (const [wave, w] of waves.entries()) {
          const t = Date.now() - 30 * 3_600_000;
          const events: Array<Record<string, unknown>> = [];
          for (let i = 0; i < w.inTime; i++) {
            const o = `a${wave}-${i}`;
            events.push(order(`p${o}`, "order.paid", t, o), order(`k${o}`, "logistics.picked_up", t + 2 * 3_600_000, o));
          }
          for (let i = 0; i < w.missed; i++) {
            const o = `m${wave}-${i}`;
            events.push(order(`p${o}`, "order.paid", t, o));
          }
          // An appeal of one missed pickup, not yet decided: the pending-exclusion gauges (the pipeline dashboard's
          // "Pending exclusions" panel) have a shop to count.
          if (wave === 1) {
            events.push({
              id: `${run}-x${wave}`,
              type: "exclusion.requested",
              platform,
              shopId,
              at: new Date(t + 3_600_000).toISOString(),
              scope: "order",
              itemId: `m${wave}-0`,
              reason: "appeal",
            });
          }
          for (let i = 0; i < (w.waiting ?? 0); i++) {
            const o = `w${wave}-${i}`;
            events.push(order(`p${o}`, "order.paid", Date.now() - 3_600_000, o));
          }
          // 503 "Kafka did not acknowledge … resend" can answer the first posts while a fresh broker elects the
          // new topics' leaders; a client resends, as the API says.
          await pollUntil(async () => (await post(events)).status === 202, {
            timeoutMs: 30_000,
            intervalMs: 500,
            message: "events accepted",
          });
          if (wave === 1) expect((await post(events.slice(0, 1))).status).toBe(202); // a duplicate
          if (wave === 2) expect((await post(events, "not-a-token")).status).toBe(401); // a refusal
          await new Promise((r) => setTimeout(r, 5_000));
        }
        // A dead letter: a record on sg.events that is not a canonical event (only a broken producer writes one).
        const kafka = createKafka({ brokers, clientId: `${run}-dlq` });
        const producer = createProducer(kafka);
        await producer.connect();
        await producer.send({
          topic: `${topicPrefix}sg.events`,
          messages: [{ key: `${platform}:${shopId}`, value: '{"id": "broken", "type": "order.paid"' }],
        });
        await producer.disconnect();

        // The breach reached Feishu; DingTalk refused it for good.
        await pollUntil(() => feishu.messages.length > 0, { timeoutMs: 60_000, message: "feishu received the alert" });
        await pollUntil(
          async () => (await instant(promUrl, 'sg_notifier_notification_deliveries_total{result="permanent"} > 0')).length > 0,
          { timeoutMs: 60_000, message: `permanent failure scraped\n${sg.output()}` },
        );
        await pollUntil(async () => (await instant(promUrl, "sg_processor_dead_lettered_total > 0")).length > 0, {
          timeoutMs: 60_000,
          message: "dead letter scraped",
        });

        // Yesterday's value is taken (the shop's first evaluation takes the day before it); the platform's figures
        // come out, the reconciler pulls and compares them: a drift, and shop2's figures missing.
        await pollUntil(
          async () => {
            const res = await fetch(`${base}/v1/shops/${platform}/${shopId}/metrics/pickup_24h_rate/history?days=1`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return res.status === 200 && ((await res.json()) as { days: unknown[] }).days.length === 1;
          },
          { timeoutMs: 60_000, message: "yesterday's value taken" },
        );
        figuresOut = true;
        await pollUntil(async () => (await instant(promUrl, "sg_reconciliation_drifts_total > 0")).length > 0, {
          timeoutMs: 60_000,
          message: `drift scraped\n${sg.output()}`,
        });
        await pollUntil(async () => (await instant(promUrl, 'sg_reconciliation_missing_figures{platform="douyin"} > 0')).length > 0, {
          timeoutMs: 60_000,
          message: "missing figures scraped",
        });

        // promtool check metrics on what the process serves (the all-in-one's one /metrics holds all three services).
        const metricsText = await (await fetch(`http://${target.hostPort}${target.path}`)).text();
        expect(metricsText).toContain("sg_processor_events_applied_total");
        expect(metricsText).toContain("sg_notifier_notification_deliveries_total");
        expect(metricsText).toContain("sg_gateway_produce_duration_seconds_bucket");
        await promtool(["check", "metrics"], { cwd: dir, input: metricsText });

        // The shop dashboard's variables list the shop, and the link's var-shop value is among them.
        const shopKey = `${platform}:${shopId}`;
        const series = (await (
          await fetch(
            `${promUrl}/api/v1/series?${new URLSearchParams({ "match[]": `sg_shop_metric_status{platform=~"${platform}"}` }).toString()}`,
          )
        ).json()) as { data: Array<Record<string, string>> };
        expect(series.data.map((s) => s.shop_key)).toContain(shopKey);

        // Every panel query of every committed dashboard returns data (polled: rate() needs a few scrapes).
        const vars = { platform, shop: shopKey, metric: "pickup_24h_rate" };
        const files = readdirSync(dashboardDir).filter((f) => f.endsWith(".json"));
        expect(files.length).toBe(2);
        const dashboards = files.map((f) => JSON.parse(readFileSync(join(dashboardDir, f), "utf8")) as Dashboard);
        const queries = dashboards.flatMap((d) => panelQueries(d));
        expect(queries.length).toBeGreaterThan(20);
        // "Data" means at least one number over the run, not just a series of NaN (a quantile of no traffic).
        const empty: string[] = [];
        for (const pq of queries) {
          const query = substitute(pq.expr, vars, "30s");
          const ok = await pollUntil(async () => hasNumber(await range(promUrl, query, startedAt, Date.now())), {
            timeoutMs: 30_000,
            intervalMs: 500,
            message: query,
          }).catch(() => false);
          if (!ok) empty.push(`${pq.dashboard} / ${pq.panel} / ${pq.refId}: ${query}`);
        }
        expect(empty, "panel queries with no data").toEqual([]);

        // The shop's gauges say what the read API says (the same engine), with the pack's lines 0.9 and 0.95.
        const sel = `shop_key="${shopKey}", metric="pickup_24h_rate"`;
        const api = (await (
          await fetch(`${base}/v1/shops/${platform}/${shopId}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          metrics: Record<string, { value: number; pending?: number; status: string }>;
        };
        const reply = api.metrics.pickup_24h_rate!;
        expect(reply.status).toBe("breach");
        await pollUntil(async () => Number((await instant(promUrl, `sg_shop_metric_value{${sel}}`))[0]?.value[1]) === reply.value, {
          timeoutMs: 15_000,
          message: `gauge value ${reply.value}`,
        });
        await pollUntil(
          async () => Number((await instant(promUrl, `sg_shop_metric_pending{${sel}}`))[0]?.value[1]) === (reply.pending ?? 0),
          { timeoutMs: 15_000, message: `gauge pending ${reply.pending}` },
        );
        expect(Number((await instant(promUrl, `sg_shop_metric_threshold{${sel}}`))[0]!.value[1])).toBe(0.9);
        expect(Number((await instant(promUrl, `sg_shop_metric_target{${sel}}`))[0]!.value[1])).toBe(0.95);
        expect(await instant(promUrl, `sg_shop_alert_firing{${sel}, severity="critical"}`)).toHaveLength(1);

        // ScoreGuard's own rule fires in this Prometheus.
        await pollUntil(
          async () =>
            (await instant(promUrl, 'ALERTS{alertname="ScoreGuardDeliveriesFailing", alertstate="firing", channel="dingtalk"}')).length > 0,
          { timeoutMs: 30_000, message: "ScoreGuardDeliveriesFailing fires" },
        );

        // The pictures: always drawn (the renderer must work on real data), kept under docs/ when asked, then
        // after a few more scrapes so the last events' rates are on them.
        if (process.env.SG_WRITE_DOCS === "1") await new Promise((r) => setTimeout(r, 15_000));
        const endMs = Date.now();
        for (const d of dashboards) {
          const png = await renderDashboardPng(d, {
            prometheusUrl: promUrl,
            vars,
            startMs: startedAt - 10_000,
            endMs,
            rateInterval: "20s",
          });
          expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
          const out = process.env.SG_WRITE_DOCS === "1" ? join(root, "docs") : dir;
          writeFileSync(join(out, `dashboard-${d.uid!.replace(/^scoreguard-/, "")}.png`), png);
        }
      } finally {
        await stop(prom);
        await stop(sg);
        await feishu.close();
        await ding.close();
        await new Promise((r) => scoreApi.close(r));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
