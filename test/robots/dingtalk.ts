import { createHmac, timingSafeEqual } from "node:crypto";
import { FailureQueue, SlidingWindow, isRecord, nonEmptyString, startRobotServer, type ReceivedRequest } from "./server.js";

/**
 * A DingTalk custom robot (alerts.md "Receivers"; DingTalk custom-robot docs): POST /robot/send with
 * `access_token`, and with signing on, `timestamp` (ms, within one hour) and `sign`. Always HTTP 200; the
 * outcome is `errcode`: 0 ok, 300001 unknown token, 310000 sign or keyword mismatch, 130101 more than 20
 * messages in a minute, 460101 body too long, 40035 missing parameter, 40008 unsupported msgtype.
 */
export interface DingTalkRobotOptions {
  accessToken: string;
  secret?: string;
  keyword?: string;
  perMinute?: number;
  now?: () => number;
}

export type DingTalkFailure = "rate_limited" | "bad_sign" | "too_large" | "busy";

const FAILURES: Record<DingTalkFailure, { errcode: number; errmsg: string }> = {
  rate_limited: { errcode: 130101, errmsg: "send too fast, exceed 20 times per minute" },
  bad_sign: { errcode: 310000, errmsg: "sign not match" },
  too_large: { errcode: 460101, errmsg: "message too long" },
  busy: { errcode: -1, errmsg: "系统繁忙" },
};

export interface DingTalkMessage {
  at: number;
  msgtype: string;
  title: string;
  text: string;
  atMobiles: string[];
  isAtAll: boolean;
  timestamp: string | null;
}

export async function startDingTalkRobot(opts: DingTalkRobotOptions) {
  const now = opts.now ?? Date.now;
  const window = new SlidingWindow(60_000, opts.perMinute ?? 20);
  const failures = new FailureQueue<DingTalkFailure>();
  const messages: DingTalkMessage[] = [];
  const answers: number[] = [];

  function check(req: ReceivedRequest): { errcode: number; errmsg: string } {
    const injected = failures.next();
    if (injected) return FAILURES[injected];
    if (req.method !== "POST" || req.path !== "/robot/send") return { errcode: 404, errmsg: "not found" };
    if (req.query.get("access_token") !== opts.accessToken) return { errcode: 300001, errmsg: "token is not exist" };
    if (opts.secret !== undefined) {
      const ts = req.query.get("timestamp");
      const sign = req.query.get("sign"); // URLSearchParams has already URL-decoded it
      if (ts === null || sign === null || !/^\d+$/.test(ts))
        return { errcode: 310000, errmsg: "sign not match, timestamp or sign missing" };
      if (Math.abs(now() - Number(ts)) > 3600_000) return { errcode: 310000, errmsg: "sign not match, timestamp is expired" };
      const expected = createHmac("sha256", opts.secret).update(`${ts}\n${opts.secret}`).digest("base64");
      if (!safeEqual(expected, sign)) return { errcode: 310000, errmsg: "sign not match" };
    }
    if (Buffer.byteLength(req.raw) > 20_000) return FAILURES.too_large;
    const b = req.json;
    if (!isRecord(b)) return { errcode: 40035, errmsg: "缺少参数 json" };
    if (b.msgtype !== "markdown" && b.msgtype !== "text") return { errcode: 40008, errmsg: "不合法的消息类型" };
    const md = b.markdown;
    if (b.msgtype === "markdown" && (!isRecord(md) || !nonEmptyString(md.title) || !nonEmptyString(md.text))) {
      return { errcode: 40035, errmsg: "缺少参数 markdown" };
    }
    const text = isRecord(md) ? String(md.text) : "";
    if (opts.keyword !== undefined && !text.includes(opts.keyword)) return { errcode: 310000, errmsg: "keywords not in content" };
    if (b.at !== undefined && !isRecord(b.at)) return { errcode: 40035, errmsg: "缺少参数 at" };
    if (!window.take(now())) return FAILURES.rate_limited;
    const at = isRecord(b.at) ? b.at : {};
    messages.push({
      at: now(),
      msgtype: String(b.msgtype),
      title: isRecord(md) ? String(md.title) : "",
      text,
      atMobiles: Array.isArray(at.atMobiles) ? at.atMobiles.map(String) : [],
      isAtAll: at.isAtAll === true,
      timestamp: req.query.get("timestamp"),
    });
    return { errcode: 0, errmsg: "ok" };
  }

  const server = await startRobotServer((req) => {
    const r = check(req);
    answers.push(r.errcode);
    return { status: 200, body: r };
  });
  return {
    ...server,
    /** The URL a receiver is configured with (the signature is added per request). */
    url: `${server.origin}/robot/send?access_token=${opts.accessToken}`,
    messages,
    /** errcode of every answer, in order. */
    answers,
    failNext(n: number, kind: DingTalkFailure) {
      failures.push(n, kind);
    },
  };
}
export type DingTalkRobot = Awaited<ReturnType<typeof startDingTalkRobot>>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
