import { createHmac, timingSafeEqual } from "node:crypto";
import { FailureQueue, isRecord, startRobotServer, type ReceivedRequest, type RobotAnswer } from "./server.js";

/**
 * A generic webhook receiver that checks the Alertmanager webhook v4 body
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config) and, with a secret, the
 * `sha256=<hex>` HMAC of the raw body in `signatureHeader`. 200 ok; 400 for a bad body; 401 for a bad
 * signature; injected failures answer the given status.
 */
export interface WebhookReceiverOptions {
  path?: string;
  secret?: string;
  signatureHeader?: string;
}

export interface AmAlertBody {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  generatorURL: string;
}

export interface AmBody {
  version: string;
  groupKey: string;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  truncatedAlerts?: number;
  alerts: AmAlertBody[];
}

const REQUIRED_ALERT = ["status", "labels", "annotations", "startsAt", "endsAt", "fingerprint"] as const;

function validBody(b: unknown): b is AmBody {
  if (!isRecord(b)) return false;
  if (b.version !== "4" || typeof b.groupKey !== "string" || typeof b.receiver !== "string") return false;
  if (b.status !== "firing" && b.status !== "resolved") return false;
  if (!isRecord(b.groupLabels) || !isRecord(b.commonLabels) || !isRecord(b.commonAnnotations) || typeof b.externalURL !== "string")
    return false;
  if (!Array.isArray(b.alerts) || b.alerts.length === 0) return false;
  return b.alerts.every((a) => isRecord(a) && REQUIRED_ALERT.every((k) => k in a) && (a.status === "firing" || a.status === "resolved"));
}

export async function startWebhookReceiver(opts: WebhookReceiverOptions = {}) {
  const path = opts.path ?? "/api/hook";
  const header = (opts.signatureHeader ?? "x-scoreguard-signature").toLowerCase();
  const failures = new FailureQueue<number>();
  const bodies: AmBody[] = [];
  const answers: number[] = [];

  function check(req: ReceivedRequest): RobotAnswer {
    const injected = failures.next();
    if (injected !== undefined) return { status: injected, body: "injected failure" };
    if (req.method !== "POST" || req.path !== path) return { status: 404, body: "not found" };
    if (opts.secret !== undefined) {
      const got = req.headers[header];
      const expected = `sha256=${createHmac("sha256", opts.secret).update(req.raw).digest("hex")}`;
      if (typeof got !== "string" || got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected))) {
        return { status: 401, body: "bad signature" };
      }
    }
    if (!validBody(req.json)) return { status: 400, body: "not an Alertmanager v4 body" };
    bodies.push(req.json);
    return { status: 200, body: "ok" };
  }

  const server = await startRobotServer((req) => {
    const r = check(req);
    answers.push(r.status);
    return r;
  });
  return {
    ...server,
    url: `${server.origin}${path}`,
    bodies,
    answers,
    /** The next `n` requests answer `status` (e.g. 503 to be retried, 400 to be given up). */
    failNext(n: number, status: number) {
      failures.push(n, status);
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
