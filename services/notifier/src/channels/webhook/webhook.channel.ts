import { createHmac } from "node:crypto";
import { shopKey, toShanghaiIso } from "@sg/events";
import {
  parseRetryAfter,
  utf8Bytes,
  type Channel,
  type HttpAnswer,
  type HttpRequest,
  type MessageContent,
  type RenderedBody,
  type SendResult,
} from "../channel.js";
import type { NotificationAlert } from "../../model/types.js";
import { shopDashboardUrl } from "../../messages/links.js";
import { renderMarked } from "../../messages/untrusted.js";
import { escapeCommonMark } from "./webhook.escape.js";

/**
 * Generic webhook (alerts.md "Receivers"): the Alertmanager webhook v4 body, optionally signed with
 * HMAC-SHA256 of the body in `X-ScoreGuard-Signature: sha256=<hex>` (the GitHub convention).
 * @see https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
export interface WebhookOptions {
  url: string;
  secret?: string;
  /** Header carrying the signature; default `X-ScoreGuard-Signature`. */
  headerName?: string;
  /** Sent as `receiver`. */
  receiver: string;
  /** Grafana base URL: `externalURL`, and with the shop filter each alert's `generatorURL`. */
  externalUrl: string;
}

export const SIGNATURE_HEADER = "x-scoreguard-signature";
/**
 * The notification's stable key (`<group>#<n>`, several joined by commas), the same on every retry: delivery
 * is at-least-once (a timeout after the receiver took the body sends it again), so a receiver applies a key once.
 */
export const NOTIFICATION_ID_HEADER = "x-scoreguard-notification-id";

/** Alertmanager's zero time for `endsAt` of a firing alert. */
const ZERO_TIME = "0001-01-01T00:00:00Z";

export interface AmAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AmWebhookBody {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AmAlert[];
}

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export function alertLabels(a: NotificationAlert): Record<string, string> {
  const r = a.record;
  return {
    alertname: r.metric,
    platform: r.platform,
    shop: shopKey(r),
    metric: r.metric,
    kind: r.kind,
    severity: r.severity,
    rulePack: r.rulePack,
  };
}

function alertAnnotations(a: NotificationAlert, summary: string | undefined): Record<string, string> {
  const r = a.record;
  const out: Record<string, string> = {};
  if (summary !== undefined) out.summary = summary;
  const put = (k: string, v: number | string | null | undefined) => {
    if (v !== null && v !== undefined) out[k] = String(v);
  };
  put("value", r.value);
  put("threshold", r.threshold);
  put("target", r.target);
  put("direction", r.direction);
  put("unit", r.unit);
  put("headroom", r.headroom);
  put("pending", r.pending);
  put("dueCount", r.dueCount);
  put("soonestDeadline", r.soonestDeadline);
  put("projectedValue", r.projectedValue);
  put("seq", r.seq);
  return out;
}

function common(maps: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (first === undefined) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

/** An alert's block as the `summary` annotation: markdown, with values from outside escaped. */
function summaryOf(item: string | undefined): string | undefined {
  return item === undefined ? undefined : renderMarked(item, escapeCommonMark);
}

export function createWebhookChannel(opts: WebhookOptions): Channel {
  return {
    type: "webhook",
    // No limit in the contract; 1 MB keeps one request reasonable.
    maxBytes: 1_000_000,
    buckets: [],

    render(content: MessageContent, shown: number): RenderedBody {
      const n = content.notifications[0];
      if (n === undefined) throw new Error("webhook channel: content without a notification");
      const alerts = content.alerts.slice(0, shown).map<AmAlert>((a, i) => ({
        status: a.status,
        labels: alertLabels(a),
        annotations: alertAnnotations(a, summaryOf(content.items[i])),
        startsAt: a.startsAt,
        endsAt: a.endsAt ?? ZERO_TIME,
        generatorURL: shopDashboardUrl(opts.externalUrl, a.record.platform, a.record.shopId),
        fingerprint: a.fingerprint,
      }));
      const body: AmWebhookBody = {
        version: "4",
        groupKey: n.groupKey,
        truncatedAlerts: content.alerts.length - alerts.length,
        status: content.status,
        receiver: opts.receiver,
        groupLabels: n.groupLabels,
        commonLabels: common(alerts.map((a) => a.labels)),
        commonAnnotations: common(alerts.map((a) => a.annotations)),
        externalURL: opts.externalUrl,
        alerts,
      };
      return { body, size: utf8Bytes(JSON.stringify(body)) };
    },

    request(body: unknown, now: number, key?: string): HttpRequest {
      const text = JSON.stringify(body);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-scoreguard-timestamp": toShanghaiIso(now),
        ...(key === undefined ? {} : { [NOTIFICATION_ID_HEADER]: key }),
      };
      if (opts.secret !== undefined && opts.secret !== "")
        headers[(opts.headerName ?? SIGNATURE_HEADER).toLowerCase()] = webhookSignature(opts.secret, text);
      return { url: opts.url, headers, body: text };
    },

    classify(answer: HttpAnswer): SendResult {
      const s = answer.status;
      const code = `http_${s}`;
      if (s >= 200 && s < 300) return { outcome: "ok", code };
      // 5xx retry and other 4xx are permanent (alerts.md); 429 is retried too, since it asks exactly for that.
      if (s >= 500 || s === 429) {
        const retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"), Date.now());
        return retryAfterMs === undefined ? { outcome: "retryable", code } : { outcome: "retryable", code, retryAfterMs };
      }
      if (s === 413) return { outcome: "too_large", code };
      return { outcome: "permanent", code };
    },
  };
}
