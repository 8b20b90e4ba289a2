import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createKafka, createProducer, ensureTopics } from "@sg/kafka";
import { startDingTalkRobot } from "../../test/robots/index.js";

const robot = await startDingTalkRobot({ accessToken: "smoketoken123", secret: "SECsmokesecret" });
const prefix = `smoke${Date.now()}.`;
writeFileSync("/work/main/.tmp/notifier-smoke.yaml", `
receivers:
  ops: { type: dingtalk, url: "${robot.url}", secret: "SECsmokesecret", atMobiles: ["13800000000"] }
routes:
  - match: { severity: critical }
    receivers: [ops]
    groupWait: 2s
grafana: { url: "http://grafana.example:3000" }
`);
const child = spawn("npx", ["tsx", "services/notifier/src/main.ts"], {
  env: { ...process.env, KAFKA_BROKERS: "127.0.0.1:39792", REDIS_URL: "redis://127.0.0.1:6391", SCOREGUARD_CONFIG: "/work/main/.tmp/notifier-smoke.yaml", TOPIC_PREFIX: prefix, KEY_PREFIX: `sg${Date.now()}`, NOTIFIER_PORT: "0", NOTIFIER_GROUP: `g${Date.now()}` },
  stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
child.stdout.on("data", (d) => (out += d));
child.stderr.on("data", (d) => (out += d));
const kafka = createKafka({ brokers: ["127.0.0.1:39792"], clientId: "smoke" });
await ensureTopics(kafka, [{ topic: `${prefix}sg.alerts`, numPartitions: 3 }]);
const producer = createProducer(kafka);
await producer.connect();
const t0 = Date.now();
while (!out.includes("notifier running")) { await new Promise((r) => setTimeout(r, 200)); if (Date.now() - t0 > 60000) throw new Error(out); }
const rec = { platform: "douyin", shopId: "shopA", metric: "pickup_24h_rate", kind: "threshold", status: "firing", severity: "critical", at: "2026-11-20T14:00:00+08:00", seq: 1, rulePack: "douyin@2023-06", direction: "min", unit: "ratio", value: 0.87, threshold: 0.9, target: 0.95, numerator: 87, denominator: 100, headroom: -3 };
const sent = Date.now();
await producer.send({ topic: `${prefix}sg.alerts`, messages: [{ key: "douyin:shopA:pickup_24h_rate:threshold", value: JSON.stringify(rec) }] });
while (robot.messages.length === 0) { await new Promise((r) => setTimeout(r, 100)); if (Date.now() - sent > 30000) throw new Error(out); }
console.log(`delivered ${Date.now() - sent} ms after publishing (group_wait 2s)`);
console.log(JSON.stringify(robot.messages[0], null, 1));
child.kill("SIGTERM");
const code = await new Promise((r) => child.on("exit", r));
console.log("exit code", code);
console.log(out.split("\n").filter(Boolean).map((l) => l.slice(0, 200)).join("\n"));
await producer.disconnect();
await robot.close();
