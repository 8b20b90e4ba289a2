import { createHmac } from "node:crypto";
import { FailureQueue, SlidingWindow, isRecord, nonEmptyString, startRobotServer, type ReceivedRequest } from "./server.js";

/**
 * A Feishu/Lark custom bot (alerts.md "Receivers"): POST /open-apis/bot/v2/hook/<token>. With signature
 * verification on, the body carries `timestamp` (seconds, within one hour) and `sign` =
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, msg = "")). Answers `{code, msg, data}`: 0 ok,
 * 19001 bad hook token, 19021 sign mismatch, 19024 keyword missing, 11232 rate limited (100/min, 5/s),
 * 19036 body too large (> 20 KB), 9499 bad request.
 */
export interface FeishuRobotOptions {
  token: string;
  secret?: string;
  keyword?: string;
  now?: () => number;
}

export type FeishuFailure = "rate_limited" | "bad_sign" | "too_large";

const FAILURES: Record<FeishuFailure, { code: number; msg: string }> = {
  rate_limited: { code: 11232, msg: "frequency limited psm[lark.oapi.app_platform_runtime]appID[0]" },
  bad_sign: { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" },
  too_large: { code: 19036, msg: "request body too large" },
};

export interface FeishuMessage {
  at: number;
  title: string;
  template: string;
  content: string;
  timestamp: string | undefined;
}

export async function startFeishuRobot(opts: FeishuRobotOptions) {
  const now = opts.now ?? Date.now;
  const perMinute = new SlidingWindow(60_000, 100);
  const perSecond = new SlidingWindow(1_000, 5);
  const failures = new FailureQueue<FeishuFailure>();
  const messages: FeishuMessage[] = [];
  const answers: number[] = [];

  function check(req: ReceivedRequest): { code: number; msg: string } {
    const injected = failures.next();
    if (injected) return FAILURES[injected];
    if (req.method !== "POST" || req.path !== `/open-apis/bot/v2/hook/${opts.token}`) {
      return { code: 19001, msg: "param invalid: incoming webhook access token invalid" };
    }
    if (Buffer.byteLength(req.raw) > 20 * 1024) return FAILURES.too_large;
    const b = req.json;
    if (!isRecord(b)) return { code: 9499, msg: "Bad Request" };
    if (opts.secret !== undefined) {
      const ts = b.timestamp;
      if (typeof ts !== "string" || !/^\d+$/.test(ts) || typeof b.sign !== "string") return FAILURES.bad_sign;
      if (Math.abs(now() / 1000 - Number(ts)) > 3600) return FAILURES.bad_sign;
      const expected = createHmac("sha256", `${ts}\n${opts.secret}`).update("").digest("base64");
      if (expected !== b.sign) return FAILURES.bad_sign;
    }
    if (b.msg_type !== "interactive") return { code: 9499, msg: "Bad Request" };
    const card = b.card;
    if (!isRecord(card) || !Array.isArray(card.elements) || card.elements.length === 0) return { code: 9499, msg: "Bad Request" };
    const header = isRecord(card.header) ? card.header : {};
    const title = isRecord(header.title) && nonEmptyString(header.title.content) ? header.title.content : "";
    const content = card.elements
      .map((e) => (isRecord(e) && isRecord(e.text) && e.text.tag === "lark_md" && typeof e.text.content === "string" ? e.text.content : ""))
      .join("\n");
    if (content === "") return { code: 9499, msg: "Bad Request" };
    if (opts.keyword !== undefined && !`${title}\n${content}`.includes(opts.keyword)) return { code: 19024, msg: "Key Words Not Found" };
    const t = now();
    if (!perSecond.take(t) || !perMinute.take(t)) return FAILURES.rate_limited;
    messages.push({
      at: t,
      title,
      template: typeof header.template === "string" ? header.template : "",
      content,
      timestamp: typeof b.timestamp === "string" ? b.timestamp : undefined,
    });
    return { code: 0, msg: "success" };
  }

  const server = await startRobotServer((req) => {
    const r = check(req);
    answers.push(r.code);
    return { status: 200, body: { ...r, data: {} } };
  });
  return {
    ...server,
    url: `${server.origin}/open-apis/bot/v2/hook/${opts.token}`,
    messages,
    answers,
    failNext(n: number, kind: FeishuFailure) {
      failures.push(n, kind);
    },
  };
}
export type FeishuRobot = Awaited<ReturnType<typeof startFeishuRobot>>;
