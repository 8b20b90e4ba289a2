import { FailureQueue, SlidingWindow, isRecord, startRobotServer, type ReceivedRequest, type RobotAnswer } from "./server.js";

/**
 * A Slack incoming webhook (alerts.md "Receivers"): POST /services/<T>/<B>/<secret>, `{text, blocks}`.
 * HTTP 200 `ok`; 404 `no_service` for an unknown hook; 400 `invalid_payload` / `no_text`; 429 with
 * `Retry-After` beyond about one message per second (short bursts of 2 are let through).
 */
export interface SlackRobotOptions {
  path: string;
  now?: () => number;
}

export type SlackFailure = "rate_limited" | "server_error" | "archived";

export interface SlackMessage {
  at: number;
  text: string;
  blocks: unknown[];
}

export async function startSlackRobot(opts: SlackRobotOptions) {
  const now = opts.now ?? Date.now;
  const window = new SlidingWindow(1_000, 2);
  const failures = new FailureQueue<SlackFailure>();
  const messages: SlackMessage[] = [];
  const answers: number[] = [];

  const rateLimited: RobotAnswer = { status: 429, body: "rate_limited", headers: { "retry-after": "1" } };
  function check(req: ReceivedRequest): RobotAnswer {
    const injected = failures.next();
    if (injected === "rate_limited") return rateLimited;
    if (injected === "server_error") return { status: 500, body: "rollup_error" };
    if (injected === "archived") return { status: 410, body: "channel_is_archived" };
    if (req.method !== "POST" || req.path !== opts.path) return { status: 404, body: "no_service" };
    const b = req.json;
    if (!isRecord(b)) return { status: 400, body: "invalid_payload" };
    const hasText = typeof b.text === "string" && b.text.length > 0;
    if (!hasText && !Array.isArray(b.blocks)) return { status: 400, body: "no_text" };
    if (b.blocks !== undefined && (!Array.isArray(b.blocks) || b.blocks.length > 50)) return { status: 400, body: "invalid_blocks" };
    if (!window.take(now())) return rateLimited;
    messages.push({ at: now(), text: typeof b.text === "string" ? b.text : "", blocks: Array.isArray(b.blocks) ? b.blocks : [] });
    return { status: 200, body: "ok" };
  }

  const server = await startRobotServer((req) => {
    const r = check(req);
    answers.push(r.status);
    return r;
  });
  return {
    ...server,
    url: `${server.origin}${opts.path}`,
    messages,
    answers,
    failNext(n: number, kind: SlackFailure) {
      failures.push(n, kind);
    },
  };
}
export type SlackRobot = Awaited<ReturnType<typeof startSlackRobot>>;
