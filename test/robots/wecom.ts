import { FailureQueue, SlidingWindow, isRecord, nonEmptyString, startRobotServer, type ReceivedRequest } from "./server.js";

/**
 * A WeCom group robot (alerts.md "Receivers"): POST /cgi-bin/webhook/send?key=<key>. Answers
 * `{errcode, errmsg}`: 0 ok, 93000 invalid key, 45009 more than 20 messages a minute, 40058 markdown
 * content over 4,096 bytes, 40008 invalid message type, 44004 empty content.
 */
export interface WeComRobotOptions {
  key: string;
  now?: () => number;
}

export type WeComFailure = "rate_limited" | "too_large" | "busy";

const FAILURES: Record<WeComFailure, { errcode: number; errmsg: string }> = {
  rate_limited: { errcode: 45009, errmsg: "api freq out of limit" },
  too_large: { errcode: 40058, errmsg: "markdown.content exceed max length 4096" },
  busy: { errcode: -1, errmsg: "system busy" },
};

export interface WeComMessage {
  at: number;
  content: string;
}

export async function startWeComRobot(opts: WeComRobotOptions) {
  const now = opts.now ?? Date.now;
  const window = new SlidingWindow(60_000, 20);
  const failures = new FailureQueue<WeComFailure>();
  const messages: WeComMessage[] = [];
  const answers: number[] = [];

  function check(req: ReceivedRequest): { errcode: number; errmsg: string } {
    const injected = failures.next();
    if (injected) return FAILURES[injected];
    if (req.method !== "POST" || req.path !== "/cgi-bin/webhook/send" || req.query.get("key") !== opts.key) {
      return { errcode: 93000, errmsg: "invalid webhook url" };
    }
    const b = req.json;
    if (!isRecord(b) || b.msgtype !== "markdown") return { errcode: 40008, errmsg: "invalid message type" };
    if (!isRecord(b.markdown) || !nonEmptyString(b.markdown.content)) return { errcode: 44004, errmsg: "empty content" };
    if (Buffer.byteLength(b.markdown.content) > 4096) return FAILURES.too_large;
    if (!window.take(now())) return FAILURES.rate_limited;
    messages.push({ at: now(), content: b.markdown.content });
    return { errcode: 0, errmsg: "ok" };
  }

  const server = await startRobotServer((req) => {
    const r = check(req);
    answers.push(r.errcode);
    return { status: 200, body: r };
  });
  return {
    ...server,
    url: `${server.origin}/cgi-bin/webhook/send?key=${opts.key}`,
    messages,
    answers,
    failNext(n: number, kind: WeComFailure) {
      failures.push(n, kind);
    },
  };
}
export type WeComRobot = Awaited<ReturnType<typeof startWeComRobot>>;
