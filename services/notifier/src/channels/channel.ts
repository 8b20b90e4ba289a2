import type { ReceiverType } from "@sg/config";
import type { NotificationAlert, Notification } from "../model/types.js";

/**
 * One interface for every robot (style.md: "Providers are one folder each, behind one interface", after
 * novu's providers/chat/<name>/). A channel turns composed content into a request body, signs it fresh,
 * posts it, and classifies the answer by the robot's own code.
 */
/** One channel per receiver type of the configuration. */
export type ChannelType = ReceiverType;

export interface Mentions {
  mobiles: string[];
  userIds: string[];
  all: boolean;
}

/** What the composer produces from templates. Items are the parts a too-long message drops first. */
export interface MessageContent {
  status: "firing" | "resolved";
  /** Drives colours: the worst severity still firing, or "resolved". */
  tone: "critical" | "warning" | "resolved";
  title: string;
  header: string;
  items: string[];
  /** Between items: a blank line between alert blocks, a newline between summary lines. */
  itemSeparator: "\n\n" | "\n";
  /** The "N more" line for `hidden` items left out. */
  moreLine: (hidden: number) => string;
  footer: string;
  mentions: Mentions;
  /** The structured notifications behind the text, for channels that send data (generic webhook). */
  notifications: Notification[];
  /** Flattened alerts of `notifications`, in the order of `items` where items are per alert. */
  alerts: NotificationAlert[];
}

export type SendResult =
  | { outcome: "ok"; code: string }
  | { outcome: "retryable"; code: string; retryAfterMs?: number }
  | { outcome: "permanent"; code: string }
  | { outcome: "too_large"; code: string };

/** A token bucket: `capacity` tokens, refilled at `refillPerSec`. Any window W sees at most capacity + refillPerSec × W sends. */
export interface BucketSpec {
  capacity: number;
  refillPerSec: number;
}

export interface RenderedBody {
  body: unknown;
  /** The quantity the channel's limit applies to (whole body or markdown content), in bytes. */
  size: number;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface Channel {
  readonly type: ChannelType;
  /** Limit on `RenderedBody.size`. */
  readonly maxBytes: number;
  /** Every bucket must have a token for a send (alerts.md "Receivers", limits column). */
  readonly buckets: readonly BucketSpec[];
  /** The body with the first `shown` items and a "N more" line for the rest. */
  render(content: MessageContent, shown: number): RenderedBody;
  /**
   * The signed request for `now` (epoch ms); signatures are computed fresh for every request. `key` is the
   * message's stable key (its notification ids), the same on every retry, for a channel that can carry it.
   */
  request(body: unknown, now: number, key?: string): HttpRequest;
  /** Maps an HTTP answer to an outcome with the channel's own code. */
  classify(answer: HttpAnswer): SendResult;
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** The text of a markdown message: header, the shown items, the "N more" line, footer, extra lines. */
export function joinText(content: MessageContent, shown: number, extra: readonly string[] = []): string {
  const hidden = content.items.length - shown;
  const items = [...content.items.slice(0, shown), hidden > 0 ? content.moreLine(hidden) : ""].filter((p) => p.length > 0);
  return [content.header, items.join(content.itemSeparator), content.footer, ...extra].filter((part) => part.length > 0).join("\n\n");
}

/** HTTP status classes shared by the JSON robots before their body code is read. */
export function classifyHttpStatus(status: number): SendResult | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429 || status >= 500) return { outcome: "retryable", code: `http_${status}` };
  if (status === 413) return { outcome: "too_large", code: `http_${status}` };
  return { outcome: "permanent", code: `http_${status}` };
}

/** Parses a JSON body; a robot answering something else is a server-side fault worth a retry. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

/** `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The outcome of a robot that always answers HTTP 200 with a JSON `errcode` (DingTalk, WeCom): `ok`, the
 * codes worth a retry, the "too large" code; anything else is permanent, since retrying cannot help.
 */
export function classifyErrcode(answer: HttpAnswer, codes: { ok: number; retryable: readonly number[]; tooLarge: number }): SendResult {
  const byStatus = classifyHttpStatus(answer.status);
  if (byStatus) return byStatus;
  const json = parseJsonObject(answer.text);
  if (json === null || typeof json.errcode !== "number") return { outcome: "retryable", code: "bad_response" };
  const code = json.errcode;
  const c = String(code);
  if (code === codes.ok) return { outcome: "ok", code: c };
  if (codes.retryable.includes(code)) return { outcome: "retryable", code: c };
  if (code === codes.tooLarge) return { outcome: "too_large", code: c };
  return { outcome: "permanent", code: c };
}

/**
 * The @-mentions of a message in a robot's own syntax: the route's user ids plus the message's, once each,
 * after the "everyone" tag when the message mentions all.
 */
export function mentionTags(
  content: MessageContent,
  baseUserIds: readonly string[],
  syntax: { all: string; user: (id: string) => string },
): string {
  const ids = [...new Set([...baseUserIds, ...content.mentions.userIds])];
  return [...(content.mentions.all ? [syntax.all] : []), ...ids.map(syntax.user)].join(" ");
}
