import { createHmac } from "node:crypto";
import {
  classifyErrcode,
  joinText,
  utf8Bytes,
  type Channel,
  type HttpAnswer,
  type HttpRequest,
  type MessageContent,
  type RenderedBody,
  type SendResult,
} from "../channel.js";
import { plainText, renderMarked } from "../../messages/untrusted.js";
import { escapeDingTalk } from "./dingtalk.escape.js";

/**
 * DingTalk custom robot (alerts.md "Receivers"): POST …/robot/send?access_token=T&timestamp=MS&sign=S,
 * markdown message, HTTP 200 always, the outcome is in `errcode`.
 */
export interface DingTalkOptions {
  url: string;
  secret?: string;
  atMobiles?: string[];
  atUserIds?: string[];
  /** The robot's custom keyword ("keyword" security setting): added to any text that lacks it. */
  keyword?: string;
}

export interface DingTalkBody {
  msgtype: "markdown";
  markdown: { title: string; text: string };
  at: { atMobiles: string[]; atUserIds: string[]; isAtAll: boolean };
}

/** S = urlencode(base64(HMAC-SHA256(key = secret, msg = MS + "\n" + secret))), MS in milliseconds. */
export function dingTalkSign(secret: string, timestampMs: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
  return encodeURIComponent(mac);
}

// errcode values, from DingTalk's custom-robot error list (alerts.md "success / errors").
const OK = 0;
const SYSTEM_BUSY = -1;
const RATE_LIMITED = 130101;
const TOO_LARGE = 460101;

/** 20 messages per minute per robot: 5 at once, then 15 per minute, so no 60 s window sees more than 20. */
const BUCKETS = [{ capacity: 5, refillPerSec: 15 / 60 }] as const;

export function createDingTalkChannel(opts: DingTalkOptions): Channel {
  const baseMobiles = opts.atMobiles ?? [];
  const baseUserIds = opts.atUserIds ?? [];
  return {
    type: "dingtalk",
    maxBytes: 20_000,
    buckets: BUCKETS,

    render(content: MessageContent, shown: number): RenderedBody {
      const atMobiles = unique([...baseMobiles, ...content.mentions.mobiles]);
      const atUserIds = unique([...baseUserIds, ...content.mentions.userIds]);
      // DingTalk only notifies mentioned mobiles that also appear in the text as "@mobile".
      const atLine = [...atMobiles, ...atUserIds].map((m) => `@${m}`).join(" ");
      let text = renderMarked(joinText(content, shown, atLine ? [atLine] : []), escapeDingTalk);
      if (opts.keyword !== undefined && !text.includes(opts.keyword)) text = `${text}\n\n${opts.keyword}`;
      const body: DingTalkBody = {
        msgtype: "markdown",
        // The title is what the conversation list shows, as plain text.
        markdown: { title: plainText(content.title), text },
        at: { atMobiles, atUserIds, isAtAll: content.mentions.all },
      };
      return { body, size: utf8Bytes(JSON.stringify(body)) };
    },

    request(body: unknown, now: number): HttpRequest {
      let url = opts.url;
      if (opts.secret !== undefined && opts.secret !== "") {
        const sep = url.includes("?") ? "&" : "?";
        url = `${url}${sep}timestamp=${now}&sign=${dingTalkSign(opts.secret, now)}`;
      }
      return { url, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
    },

    classify(answer: HttpAnswer): SendResult {
      // 310000 (sign, keyword or IP check), 300001 (token), 400xx (payload) are permanent: retrying cannot help.
      return classifyErrcode(answer, { ok: OK, retryable: [RATE_LIMITED, SYSTEM_BUSY], tooLarge: TOO_LARGE });
    },
  };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
