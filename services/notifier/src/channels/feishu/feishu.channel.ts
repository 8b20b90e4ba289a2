import { createHmac } from "node:crypto";
import {
  mentionTags,
  classifyHttpStatus,
  joinText,
  parseJsonObject,
  utf8Bytes,
  type Channel,
  type HttpAnswer,
  type HttpRequest,
  type MessageContent,
  type RenderedBody,
  type SendResult,
} from "../channel.js";
import { plainText, renderMarked } from "../../messages/untrusted.js";
import { escapeLarkMd } from "./feishu.escape.js";

/**
 * Feishu/Lark custom bot (alerts.md "Receivers"): POST the webhook URL with an interactive card; when the
 * bot has signature verification on, `timestamp` (seconds) and `sign` go in the body.
 */
export interface FeishuOptions {
  url: string;
  secret?: string;
  /** open_ids to mention with `<at id=…></at>`. */
  atUserIds?: string[];
}

export interface FeishuCard {
  config: { wide_screen_mode: boolean };
  header: { title: { tag: "plain_text"; content: string }; template: string };
  elements: Array<{ tag: "div"; text: { tag: "lark_md"; content: string } }>;
}

export interface FeishuBody {
  timestamp?: string;
  sign?: string;
  msg_type: "interactive";
  card: FeishuCard;
}

/** X = base64(HMAC-SHA256(key = S + "\n" + secret, msg = empty)), S in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update("").digest("base64");
}

const OK = 0;
const RATE_LIMITED = 11232;
const TOO_LARGE = 19036;

/** 100/min and 5/s per bot: 10 + 90/min bounds any minute at 100; 2 + 3/s bounds any second at 5. */
const BUCKETS = [
  { capacity: 10, refillPerSec: 90 / 60 },
  { capacity: 2, refillPerSec: 3 },
] as const;

const TEMPLATE = { critical: "red", warning: "orange", resolved: "green" } as const;

export function createFeishuChannel(opts: FeishuOptions): Channel {
  const baseUserIds = opts.atUserIds ?? [];
  return {
    type: "feishu",
    maxBytes: 20_000,
    buckets: BUCKETS,

    render(content: MessageContent, shown: number): RenderedBody {
      const at = mentionTags(content, baseUserIds, { all: "<at id=all></at>", user: (id) => `<at id=${id}></at>` });
      const body: FeishuBody = {
        msg_type: "interactive",
        card: {
          config: { wide_screen_mode: true },
          header: { title: { tag: "plain_text", content: plainText(content.title) }, template: TEMPLATE[content.tone] },
          elements: [
            { tag: "div", text: { tag: "lark_md", content: renderMarked(joinText(content, shown, at ? [at] : []), escapeLarkMd) } },
          ],
        },
      };
      // Room for the timestamp and sign added at request time (about 80 bytes).
      return { body, size: utf8Bytes(JSON.stringify(body)) + 96 };
    },

    request(body: unknown, now: number): HttpRequest {
      let signed = body as FeishuBody;
      if (opts.secret !== undefined && opts.secret !== "") {
        const ts = Math.floor(now / 1000);
        signed = { timestamp: String(ts), sign: feishuSign(opts.secret, ts), ...signed };
      }
      return { url: opts.url, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(signed) };
    },

    classify(answer: HttpAnswer): SendResult {
      const byStatus = classifyHttpStatus(answer.status);
      // Feishu answers some body errors with HTTP 400 and a JSON code; prefer the code when present.
      const json = parseJsonObject(answer.text);
      const raw = json === null ? undefined : (json.code ?? json.StatusCode);
      if (typeof raw !== "number") return byStatus ?? { outcome: "retryable", code: "bad_response" };
      const c = String(raw);
      if (raw === OK) return byStatus ?? { outcome: "ok", code: c };
      if (raw === RATE_LIMITED) return { outcome: "retryable", code: c };
      if (raw === TOO_LARGE) return { outcome: "too_large", code: c };
      if (byStatus?.outcome === "retryable") return { outcome: "retryable", code: c };
      // 19021 (sign), 19024 (keyword), 19022 (IP), 9499 (bad request): retrying cannot help.
      return { outcome: "permanent", code: c };
    },
  };
}
