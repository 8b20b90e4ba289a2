import {
  mentionTags,
  joinText,
  parseRetryAfter,
  utf8Bytes,
  type Channel,
  type HttpAnswer,
  type HttpRequest,
  type MessageContent,
  type RenderedBody,
  type SendResult,
} from "../channel.js";
import { plainText, renderMarked } from "../../messages/untrusted.js";
import { escapeMrkdwn, escapeSlackEntities } from "./slack.escape.js";

/**
 * Slack incoming webhook (alerts.md "Receivers"): POST {text, blocks}; HTTP 200 with body `ok`, 429 with
 * Retry-After when rate limited, other errors as HTTP 4xx/5xx with a short code in the body
 * (e.g. `invalid_payload`, `no_service`, `channel_is_archived`).
 */
export interface SlackOptions {
  url: string;
  /** Slack member ids to mention with `<@U…>`. */
  atUserIds?: string[];
}

export interface SlackBody {
  text: string;
  blocks: Array<
    | { type: "header"; text: { type: "plain_text"; text: string } }
    | { type: "section"; text: { type: "mrkdwn"; text: string; verbatim: boolean } }
  >;
}

/** "About 1/s" per webhook. */
const BUCKETS = [{ capacity: 1, refillPerSec: 1 }] as const;

/**
 * Our templates write CommonMark-ish markdown; Slack's mrkdwn differs in bold, links and escaping. For the
 * template text around values: values from outside are escaped apart (`escapeMrkdwn`), never converted.
 */
export function toMrkdwn(markdown: string): string {
  return escapeSlackEntities(markdown)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, "<$2|$1>")
    .replace(/^&gt; ?/gm, "> ");
}

export function createSlackChannel(opts: SlackOptions): Channel {
  const baseUserIds = opts.atUserIds ?? [];
  return {
    type: "slack",
    // A section block's text is limited to 3,000 characters; counting bytes stays on the safe side.
    maxBytes: 3000,
    buckets: BUCKETS,

    render(content: MessageContent, shown: number): RenderedBody {
      const at = mentionTags(content, baseUserIds, { all: "<!channel>", user: (id) => `<@${id}>` });
      const text = renderMarked(joinText(content, shown), escapeMrkdwn, toMrkdwn) + (at ? `\n\n${at}` : "");
      const title = plainText(content.title);
      const body: SlackBody = {
        // The fallback text (notifications) is mrkdwn as well.
        text: renderMarked(content.title, escapeMrkdwn, escapeSlackEntities),
        blocks: [
          // Header blocks hold at most 150 characters.
          { type: "header", text: { type: "plain_text", text: [...title].slice(0, 150).join("") } },
          // `verbatim`: Slack links no bare URL or channel name; our links are explicit `<url|text>`.
          { type: "section", text: { type: "mrkdwn", text, verbatim: true } },
        ],
      };
      return { body, size: utf8Bytes(text) };
    },

    request(body: unknown): HttpRequest {
      return { url: opts.url, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
    },

    classify(answer: HttpAnswer): SendResult {
      const code = slackCode(answer.text);
      if (answer.status === 200) return code === "ok" ? { outcome: "ok", code } : { outcome: "permanent", code };
      if (answer.status === 429) {
        const retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"), Date.now());
        return retryAfterMs === undefined
          ? { outcome: "retryable", code: "http_429" }
          : { outcome: "retryable", code: "http_429", retryAfterMs };
      }
      if (answer.status >= 500) return { outcome: "retryable", code: `http_${answer.status}` };
      if (answer.status === 413 || code === "msg_too_long") return { outcome: "too_large", code };
      return { outcome: "permanent", code: code === "" ? `http_${answer.status}` : code };
    },
  };
}

/** Slack's body is a short snake_case code; anything else is reduced to its HTTP status by the caller. */
function slackCode(text: string): string {
  const t = text.trim();
  return /^[a-z_]{1,64}$/.test(t) ? t : "";
}
