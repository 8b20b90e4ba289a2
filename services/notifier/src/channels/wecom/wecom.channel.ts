import {
  mentionTags,
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
import { renderMarked } from "../../messages/untrusted.js";
import { escapeWeCom } from "./wecom.escape.js";

/**
 * WeCom group robot (alerts.md "Receivers"): POST …/webhook/send?key=K with a markdown message; the key
 * in the URL is the only secret. The outcome is in `errcode`.
 */
export interface WeComOptions {
  url: string;
  /** WeCom user ids to mention with `<@userid>` (markdown messages cannot mention by mobile). */
  atUserIds?: string[];
}

export interface WeComBody {
  msgtype: "markdown";
  markdown: { content: string };
}

const OK = 0;
const SYSTEM_BUSY = -1;
const RATE_LIMITED = 45009;
const TOO_LARGE = 40058;

/** 20 messages per minute per robot, bounded like DingTalk's. */
const BUCKETS = [{ capacity: 5, refillPerSec: 15 / 60 }] as const;

const COLOR = { critical: "warning", warning: "comment", resolved: "info" } as const;

export function createWeComChannel(opts: WeComOptions): Channel {
  const baseUserIds = opts.atUserIds ?? [];
  return {
    type: "wecom",
    // markdown.content ≤ 4,096 bytes (UTF-8).
    maxBytes: 4096,
    buckets: BUCKETS,

    render(content: MessageContent, shown: number): RenderedBody {
      const at = mentionTags(content, baseUserIds, { all: "<@all>", user: (id) => `<@${id}>` });
      const title = `<font color="${COLOR[content.tone]}">**${content.title}**</font>`;
      const text = renderMarked(`${title}\n\n${joinText(content, shown, at ? [at] : [])}`, escapeWeCom);
      const body: WeComBody = { msgtype: "markdown", markdown: { content: text } };
      return { body, size: utf8Bytes(text) };
    },

    request(body: unknown): HttpRequest {
      return { url: opts.url, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
    },

    classify(answer: HttpAnswer): SendResult {
      // 93000 (invalid key), 40008 (message type), 44004 (empty content) are permanent: retrying cannot help.
      return classifyErrcode(answer, { ok: OK, retryable: [RATE_LIMITED, SYSTEM_BUSY], tooLarge: TOO_LARGE });
    },
  };
}
