import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startPythonSigner } from "./python-sign.js";

/** What a fake answers for a shop-day: the data object, or an outage (HTTP 503). */
export interface FakeDay {
  data?: unknown;
  outage?: boolean;
}

export interface FakePlatform {
  url: string;
  /** Answers by `shop|day`; the access token names the shop (`token-<shopId>`). */
  days: Map<string, FakeDay>;
  /** Requests whose signature was checked: accepted and refused. */
  accepted: number;
  refused: number;
  /** Requests answered 503 (an outage). */
  outages: number;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    handler(req, res, url).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

/**
 * A fake Douyin open platform serving `shop.getExperienceScore`: POST /shop/getExperienceScore with the
 * common parameters in the query and param_json as the body. It checks the signature against python3's
 * vector and answers err_no 40003-like refusal (here: HTTP 200, err_no 30001) for a wrong one.
 */
export async function startFakeDouyin(o: { appKey: string; appSecret: string }): Promise<FakePlatform> {
  const fake = { days: new Map<string, FakeDay>(), accepted: 0, refused: 0, outages: 0 } as FakePlatform;
  const signer = startPythonSigner();
  const { server, url } = await listen(async (req, res, u) => {
    const paramJson = await body(req);
    const q = Object.fromEntries(u.searchParams);
    if (req.method !== "POST" || u.pathname !== "/shop/getExperienceScore" || q.method !== "shop.getExperienceScore")
      return json(res, 404, {});
    const expected = await signer.douyin({
      secret: o.appSecret,
      app_key: o.appKey,
      method: q.method ?? "",
      param_json: paramJson,
      timestamp: q.timestamp ?? "",
      v: q.v ?? "",
      sign_method: q.sign_method ?? "",
    });
    if (q.app_key !== o.appKey || q.sign !== expected) {
      fake.refused++;
      return json(res, 200, { err_no: 30001, message: "sign verification failed" });
    }
    fake.accepted++;
    const shopId = (q.access_token ?? "").replace(/^token-/, "");
    const day = (JSON.parse(paramJson) as { date: string }).date;
    const d = fake.days.get(`${shopId}|${day}`);
    if (d?.outage) {
      fake.outages++;
      return json(res, 503, { err_no: 50002, message: "service busy" });
    }
    return json(res, 200, { err_no: 0, message: "success", data: d?.data ?? {} });
  });
  fake.url = url;
  fake.close = () =>
    new Promise((r) => {
      signer.close();
      server.close(() => r());
    });
  return fake;
}

/**
 * A fake Kuaishou open platform serving `open.score.shop.get`: GET /open/score/shop/get with the signed
 * parameters in the query. A wrong signature gets `error_code` "10001"-like refusal ("sign invalid").
 */
export async function startFakeKuaishou(o: { appKey: string; signSecret: string }): Promise<FakePlatform> {
  const fake = { days: new Map<string, FakeDay>(), accepted: 0, refused: 0, outages: 0 } as FakePlatform;
  const signer = startPythonSigner();
  const { server, url } = await listen(async (req, res, u) => {
    const q = Object.fromEntries(u.searchParams);
    if (req.method !== "GET" || u.pathname !== "/open/score/shop/get" || q.method !== "open.score.shop.get") return json(res, 404, {});
    if (q.appkey !== o.appKey || q.sign !== (await signer.kuaishou(q, o.signSecret))) {
      fake.refused++;
      return json(res, 200, { error_code: "10001", error_msg: "sign invalid" });
    }
    fake.accepted++;
    const shopId = (q.access_token ?? "").replace(/^token-/, "");
    const day = (JSON.parse(q.param ?? "{}") as { date: string }).date;
    const d = fake.days.get(`${shopId}|${day}`);
    if (d?.outage) {
      fake.outages++;
      return json(res, 503, {});
    }
    return json(res, 200, { result: d?.data ?? {} });
  });
  fake.url = url;
  fake.close = () =>
    new Promise((r) => {
      signer.close();
      server.close(() => r());
    });
  return fake;
}
