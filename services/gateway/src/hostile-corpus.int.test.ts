// A hostile-input corpus on every public route of the gateway as main.ts runs it (real Kafka, real Redis, real
// HTTP, every webhook configured): malformed JSON, huge bodies, wrong content types, unsigned and mis-signed
// webhooks, deep nesting, unicode oddities, bad tokens, broken HTTP. Every answer is a 4xx that names the
// problem, never a 5xx, and the gateway still serves a good request afterwards.
import { connect } from "node:net";
import { createLogger } from "@sg/logger";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUYIN_CREDS, signedHeaders } from "../testing/douyin.fixtures.js";
import { KUAIDI100_SALT, form } from "../testing/kuaidi100.fixtures.js";
import { KUAISHOU_SECRET, encrypted } from "../testing/kuaishou.fixtures.js";
import { startGatewayService, type GatewayService } from "./service.js";
import { TOKENS, paidEvent as fixtureEvent } from "../testing/test-support.js";

const MiB = 1024 * 1024;
const json = { "content-type": "application/json" };
const auth = (token = TOKENS.all) => ({ authorization: `Bearer ${token}`, ...json });
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
/** `s1` with the `shopId` value replaced by raw JSON text (escapes kept as sent). */
/** A valid event of a minute ago: this gateway runs on the wall clock, which refuses the fixtures' fixed dates after 90 days. */
const paidEvent = (over: Record<string, unknown> = {}) => fixtureEvent({ at: Date.now() - 60_000, ...over });
const withShopId = (raw: string) => JSON.stringify(paidEvent({ platform: "douyin" })).replace('"shopId":"s1"', `"shopId":${raw}`);

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The exact status, when the corpus pins it; otherwise any 4xx. */
  status?: number;
  /** Text the answer must contain: the problem, named. */
  names: string | RegExp;
}

const events = "/v1/events";
const CASES: Case[] = [
  // Tokens
  { name: "no token", path: events, method: "POST", headers: json, body: JSON.stringify(paidEvent()), status: 401, names: "missing_token" },
  {
    name: "unknown token",
    path: events,
    method: "POST",
    headers: auth("nope"),
    body: JSON.stringify(paidEvent()),
    status: 401,
    names: "unknown_token",
  },
  {
    name: "Basic instead of Bearer",
    path: events,
    method: "POST",
    headers: { ...json, authorization: "Basic Zm9vOmJhcg==" },
    body: "{}",
    status: 401,
    names: /token/,
  },
  {
    name: "a token with a NUL-like oddity",
    path: events,
    method: "POST",
    headers: { ...json, authorization: "Bearer \u00ff\u00fe" },
    body: "{}",
    status: 401,
    names: /token/,
  },
  {
    name: "a 8 KiB token",
    path: events,
    method: "POST",
    headers: { ...json, authorization: `Bearer ${"x".repeat(8192)}` },
    body: "{}",
    status: 401,
    names: /token/,
  },
  {
    name: "another shop's events",
    path: events,
    method: "POST",
    headers: auth(TOKENS.s1),
    body: JSON.stringify(paidEvent({ shopId: "s2" })),
    status: 403,
    names: "forbidden",
  },
  { name: "no token on the read API", path: "/v1/shops/kuaishou/s1/metrics", status: 401, names: "missing_token" },
  {
    name: "unknown token on silences",
    path: "/v1/silences",
    headers: { authorization: "Bearer nope" },
    status: 401,
    names: "unknown_token",
  },
  { name: "no token on deliveries", path: "/v1/deliveries", status: 401, names: "missing_token" },
  // Malformed JSON
  { name: "truncated JSON", path: events, method: "POST", headers: auth(), body: '{"id":"e1",', status: 400, names: "malformed_json" },
  {
    name: "JSON with a trailing comma",
    path: events,
    method: "POST",
    headers: auth(),
    body: '{"id":"e1",}',
    status: 400,
    names: "malformed_json",
  },
  { name: "NaN", path: events, method: "POST", headers: auth(), body: "NaN", status: 400, names: "malformed_json" },
  { name: "a bare string", path: events, method: "POST", headers: auth(), body: '"hello"', status: 400, names: "invalid_event" },
  { name: "null", path: events, method: "POST", headers: auth(), body: "null", status: 400, names: "invalid_event" },
  { name: "an empty body", path: events, method: "POST", headers: auth(), body: "", status: 400, names: /malformed_json|invalid/ },
  { name: "an empty array", path: events, method: "POST", headers: auth(), body: "[]", status: 400, names: "at least one event" },
  {
    name: "a duplicate __proto__ key",
    path: events,
    method: "POST",
    headers: auth(),
    body: '{"__proto__":{"admin":true},"id":"e1"}',
    status: 400,
    names: "invalid_event",
  },
  { name: "malformed silence", path: "/v1/silences", method: "POST", headers: auth(), body: "{", status: 400, names: "malformed_json" },
  {
    name: "invalid silence",
    path: "/v1/silences",
    method: "POST",
    headers: auth(),
    body: '{"matchers":"x"}',
    status: 400,
    names: "invalid_request",
  },
  // Huge bodies
  {
    name: "a body over 1 MiB",
    path: events,
    method: "POST",
    headers: auth(),
    body: JSON.stringify(paidEvent({ note: "x".repeat(MiB) })),
    status: 413,
    names: "body_too_large",
  },
  {
    name: "1001 events",
    path: events,
    method: "POST",
    headers: auth(),
    body: JSON.stringify(Array.from({ length: 1001 }, (_, i) => paidEvent({ id: `h${i}` }))),
    status: 413,
    names: "too_many_events",
  },
  {
    name: "a 2 MiB silence",
    path: "/v1/silences",
    method: "POST",
    headers: auth(),
    body: "x".repeat(2 * MiB),
    status: 413,
    names: "body_too_large",
  },
  {
    name: "a 2 MiB douyin push",
    path: "/webhooks/douyin",
    method: "POST",
    headers: json,
    body: "x".repeat(2 * MiB),
    status: 413,
    names: "body_too_large",
  },
  {
    name: "a 2 MiB kuaishou push",
    path: "/webhooks/kuaishou",
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "A".repeat(2 * MiB),
    status: 413,
    names: "body_too_large",
  },
  // Deep nesting
  {
    name: "100,000 nested arrays",
    path: events,
    method: "POST",
    headers: auth(),
    body: deep(100_000),
    status: 400,
    names: "malformed_json",
  },
  {
    name: "10,000 nested objects",
    path: events,
    method: "POST",
    headers: auth(),
    body: deepObject(10_000),
    status: 400,
    names: "malformed_json",
  },
  {
    name: "nested silence",
    path: "/v1/silences",
    method: "POST",
    headers: auth(),
    body: deep(20_000),
    status: 400,
    names: "malformed_json",
  },
  // Content types and encodings
  {
    name: "XML",
    path: events,
    method: "POST",
    headers: { ...auth(), "content-type": "application/xml" },
    body: "<event/>",
    status: 400,
    names: "malformed_json",
  },
  {
    name: "no content type",
    path: events,
    method: "POST",
    headers: { authorization: `Bearer ${TOKENS.all}` },
    body: "{}",
    status: 400,
    names: /invalid_event|malformed_json/,
  },
  {
    name: "invalid UTF-8",
    path: events,
    method: "POST",
    headers: auth(),
    body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    names: "invalid_encoding",
  },
  {
    name: "UTF-16 with a BOM",
    path: events,
    method: "POST",
    headers: auth(),
    body: Buffer.from(`\ufeff${JSON.stringify(paidEvent())}`, "utf16le"),
    status: 400,
    names: /invalid_encoding|malformed_json/,
  },
  {
    name: "a silence in invalid UTF-8",
    path: "/v1/silences",
    method: "POST",
    headers: auth(),
    body: Buffer.from([0xc3, 0x28]),
    status: 400,
    names: "invalid_encoding",
  },
  // Unicode oddities in ids
  {
    name: "a lone high surrogate in shopId",
    path: events,
    method: "POST",
    headers: auth(),
    body: withShopId('"s\\ud800"'),
    status: 400,
    names: "lone UTF-16 surrogate",
  },
  {
    name: "a lone low surrogate in shopId",
    path: events,
    method: "POST",
    headers: auth(),
    body: withShopId('"\\udc00"'),
    status: 400,
    names: "lone UTF-16 surrogate",
  },
  {
    name: "a NUL-only shopId of 65 chars",
    path: events,
    method: "POST",
    headers: auth(),
    body: withShopId(JSON.stringify("\u0000".repeat(65))),
    status: 400,
    names: "at most 64",
  },
  {
    name: "a number as shopId",
    path: events,
    method: "POST",
    headers: auth(),
    body: withShopId("12345678901234567890"),
    status: 400,
    names: "shopId",
  },
  { name: "an unknown platform in the path", path: "/v1/shops/taobao/s1/metrics", headers: auth(), status: 400, names: /platform/ },
  {
    name: "percent-encoded garbage in the path",
    path: "/v1/shops/kuaishou/%ED%A0%80/metrics",
    headers: auth(),
    status: 400,
    names: "not a valid url component",
  },
  {
    name: "a broken percent escape",
    path: "/v1/shops/kuaishou/%E0%A4%A/metrics",
    headers: auth(),
    status: 400,
    names: "not a valid url component",
  },
  // Time
  {
    name: "an event on 2026-02-30",
    path: events,
    method: "POST",
    headers: auth(),
    body: JSON.stringify(paidEvent({ at: "2026-02-30T10:00:00+08:00" })),
    status: 400,
    names: "not a real time",
  },
  {
    name: "an event in 2100",
    path: events,
    method: "POST",
    headers: auth(),
    body: JSON.stringify(paidEvent({ at: "2100-01-01T00:00:00+08:00" })),
    status: 400,
    names: "future",
  },
  // Webhooks: unsigned, mis-signed, undecryptable
  {
    name: "an unsigned douyin push",
    path: "/webhooks/douyin",
    method: "POST",
    headers: json,
    body: "[]",
    status: 401,
    names: "invalid signature",
  },
  {
    name: "a douyin push signed with another secret",
    path: "/webhooks/douyin",
    method: "POST",
    headers: signedHeaders("[]", { ...DOUYIN_CREDS, appSecret: "wrong" }),
    body: "[]",
    status: 401,
    names: "invalid signature",
  },
  {
    name: "a douyin push signed for another body",
    path: "/webhooks/douyin",
    method: "POST",
    headers: signedHeaders("[1]"),
    body: "[]",
    status: 401,
    names: "invalid signature",
  },
  {
    name: "a signed douyin push that is not JSON",
    path: "/webhooks/douyin",
    method: "POST",
    headers: signedHeaders("{{"),
    body: "{{",
    status: 400,
    names: /\(body\)|JSON/,
  },
  {
    name: "a kuaishou push in plain JSON",
    path: "/webhooks/kuaishou",
    method: "POST",
    headers: json,
    body: '{"test":true}',
    status: 400,
    names: "decrypt_failed",
  },
  {
    name: "a kuaishou push of random blocks",
    path: "/webhooks/kuaishou",
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: Buffer.alloc(64, 7).toString("base64"),
    status: 400,
    names: "decrypt_failed",
  },
  {
    name: "a kuaishou push of encrypted garbage",
    path: "/webhooks/kuaishou",
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: encrypted("{"),
    status: 400,
    names: "decrypt_failed",
  },
  {
    name: "an unsigned kuaidi100 push",
    path: "/webhooks/kuaidi100?platform=douyin&shopId=s1&orderId=o1&ref=x",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "param=%7B%7D",
    status: 401,
    names: /sign/,
  },
  {
    name: "a mis-signed kuaidi100 push",
    path: "/webhooks/kuaidi100?platform=douyin&shopId=s1&orderId=o1&ref=x",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form("{}", KUAIDI100_SALT, "0".repeat(32)),
    status: 401,
    names: /sign/,
  },
  {
    name: "a kuaidi100 push without its query",
    path: "/webhooks/kuaidi100",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form("{}"),
    status: 400,
    names: "must carry platform, shopId, orderId, com and nu",
  },
  // Methods and routes
  { name: "GET on a POST route", path: events, headers: auth(), status: 404, names: "not a route" },
  { name: "an unknown route", path: "/admin", status: 404, names: "not a route" },
  { name: "the ops /metrics on the public port", path: "/metrics", status: 404, names: "not a route" },
  {
    name: "DELETE of a missing silence",
    method: "DELETE",
    path: "/v1/silences/none",
    headers: { authorization: `Bearer ${TOKENS.all}` },
    status: 404,
    names: "no active silence",
  },
  { name: "deliveries with limit=-1", path: "/v1/deliveries?limit=-1", headers: auth(), status: 400, names: "limit" },
];

describe("hostile corpus on every public route", () => {
  let svc: GatewayService;
  let base: string;
  beforeAll(async () => {
    const { brokers, redisUrl } = testInfra();
    svc = await startGatewayService({
      brokers,
      redisUrl,
      topicPrefix: `${uniqueName("gw-hostile")}.`,
      keyPrefix: uniqueName("sg-hostile"),
      eventsPartitions: 1,
      port: 0,
      opsPort: 0,
      config: {
        apiTokens: [
          { token: TOKENS.s1, shops: ["kuaishou:s1"] },
          { token: TOKENS.all, shops: ["*"] },
        ],
        platforms: { douyin: DOUYIN_CREDS, kuaishou: { messageSecret: KUAISHOU_SECRET }, kuaidi100: { salt: KUAIDI100_SALT } },
        shops: {},
      },
      logger: createLogger({ name: "gateway-hostile", level: "silent" }),
      registry: new Registry(),
    });
    base = `http://127.0.0.1:${svc.port}`;
    await pollUntil(async () => (await fetch(`http://127.0.0.1:${svc.opsPort}/readyz`)).status === 200, {
      timeoutMs: 30_000,
      message: "ready",
    });
  }, 60_000);
  afterAll(async () => {
    await svc?.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: a 4xx naming the problem", async (_name, c) => {
    const res = await fetch(`${base}${c.path}`, {
      method: c.method ?? "GET",
      headers: c.headers ?? {},
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    const text = await res.text();
    expect(res.status, text).toBeGreaterThanOrEqual(400);
    expect(res.status, text).toBeLessThan(500);
    if (c.status !== undefined) expect(res.status, text).toBe(c.status);
    expect(text).toMatch(typeof c.names === "string" ? new RegExp(c.names.replace(/[()]/g, "\\$&")) : c.names);
  });

  it.each([
    ["a request line that is not HTTP", "HELLO\r\n\r\n"],
    ["a Content-Length that is not a number", "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"],
    ["two different Content-Lengths", "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"],
    [
      "bad chunked encoding",
      `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.all}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ],
    ["headers over 64 KiB", `GET /openapi.json HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`],
    ["a NUL in a header", "GET /openapi.json HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n"],
  ])("broken HTTP, %s: a 4xx from the server, never a 5xx", async (_name, raw) => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(svc.port, "127.0.0.1");
      let got = "";
      s.on("data", (d) => (got += d.toString("latin1")));
      s.on("error", (err) => (got === "" ? reject(err) : resolve(got)));
      s.on("close", () => resolve(got));
      s.end(raw);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  });

  it("binds both servers to loopback when no host is configured", () => {
    for (const server of [svc.gateway.app.server, svc.gateway.ops.server]) {
      expect((server.address() as { address: string }).address).toBe("127.0.0.1");
    }
    expect(svc.opsPort).not.toBe(svc.port);
  });

  it("is still up and takes a good event, unaltered by all of the above", async () => {
    expect((await fetch(`http://127.0.0.1:${svc.opsPort}/livez`)).status).toBe(200);
    const res = await fetch(`${base}/v1/events`, {
      method: "POST",
      headers: auth(),
      body: JSON.stringify(paidEvent({ id: "good-after-corpus" })),
    });
    expect(res.status).toBe(202);
    const metrics = await (await fetch(`http://127.0.0.1:${svc.opsPort}/metrics`)).text();
    // The gateway produced exactly the one good event; nothing hostile got through.
    expect(metrics).toContain('sg_gateway_events_produced_total{source="api"} 1');
    // No answer was a 5xx.
    expect(metrics).not.toMatch(/sg_gateway_request_seconds_count\{[^}]*status="5\d\d"/);
  });
});
