import type { FastifyBaseLogger, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { DeliveryStatusReader, SilenceStore } from "@sg/events/runtime";
import type { EventSink, GatewayConfig, NewShopQuota, SnapshotReader } from "../ports.js";
import type { AuthFailureGuard } from "./auth-failures.js";
import type { TokenRegistry, TokenScope } from "./auth.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { RateLimiter } from "./rate-limit.js";
import type { ReplayCache } from "./replay-cache.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `requireToken` on token-scoped routes. */
    sgScope: TokenScope | null;
  }
}

export interface Limits {
  /** Largest accepted body, in bytes (the intake contract: 1 MB). */
  bodyLimitBytes: number;
  /** Most events in one `POST /v1/events` (the intake contract: 1,000). */
  maxEvents: number;
}

/** Everything a route module needs; built once by `createGateway`. */
export interface GatewayContext {
  config: GatewayConfig;
  sink: EventSink;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  tokens: TokenRegistry;
  tokenLimiter: RateLimiter;
  sourceLimiter: RateLimiter;
  /** Failed authentication per source address: its limit and its summary log. */
  authFailures: AuthFailureGuard;
  replays: ReplayCache;
  limits: Limits;
  now: () => number;
  snapshots: SnapshotReader | undefined;
  silences: SilenceStore | undefined;
  deliveries: DeliveryStatusReader | undefined;
  /** The per-token quota of new shops per day; none in unit tests without Redis. */
  newShops: NewShopQuota | undefined;
}

export const REFUSALS = {
  body_too_large: 413,
  too_many_events: 413,
  malformed_json: 400,
  invalid_encoding: 400,
  invalid_event: 400,
  invalid_request: 400,
  decrypt_failed: 400,
  missing_token: 401,
  unknown_token: 401,
  bad_signature: 401,
  forbidden: 403,
  unsupported_media_type: 415,
  rate_limited: 429,
  silence_limit: 429,
  quota_exceeded: 429,
  unavailable: 503,
  shutting_down: 503,
} as const;
export type RefusalReason = keyof typeof REFUSALS;

export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? "unmatched";
}

/**
 * Answers a refusal: the status of its reason, a JSON body naming the reason, one count in
 * `sg_gateway_refusals_total{route,reason}`, and one log line (unless `quiet`: failed authentication is
 * logged in aggregate by `AuthFailureGuard`). The log names the route, reason, source address and token
 * fingerprint; never a token, signature, secret or body.
 */
export function refuse(
  ctx: Pick<GatewayContext, "metrics" | "logger">,
  request: FastifyRequest,
  reply: FastifyReply,
  reason: RefusalReason,
  message: string,
  extra: { body?: unknown; fields?: Record<string, unknown>; headers?: Record<string, string>; quiet?: boolean } = {},
): FastifyReply {
  const route = routeLabel(request);
  ctx.metrics.refusals.inc({ route, reason });
  if (extra.quiet !== true) {
    ctx.logger.warn({ route, reason, ip: request.ip, token: request.sgScope?.fingerprint, reqId: request.id }, `refused: ${message}`);
  }
  for (const [k, v] of Object.entries(extra.headers ?? {})) reply.header(k, v);
  return reply
    .code(REFUSALS[reason])
    .type("application/json; charset=utf-8")
    .send(extra.body ?? { error: reason, message, ...extra.fields });
}

/** The raw request body (every content type is read as bytes, so signatures see exactly what was sent). */
export function bodyBytes(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * onRequest hook: a known bearer token within the source address's failed-authentication limit, then the
 * token's rate limit. Runs before the body is read. An address over its limit gets 429 for any token it has
 * not authenticated with before, right or wrong (no oracle for guesses). Failed authentication is counted per
 * refusal but logged in aggregate (a guessing flood must not become a log flood).
 */
export function requireToken(ctx: GatewayContext): onRequestHookHandler {
  return async function (request, reply) {
    const source = request.ip;
    const auth = ctx.tokens.authenticate(request.headers.authorization);
    const wait = ctx.authFailures.blockedFor(source);
    if (wait !== null && !(auth.ok && ctx.authFailures.known(source, auth.scope.fingerprint))) {
      ctx.authFailures.failed(source, "rate_limited");
      return refuse(ctx, request, reply, "rate_limited", "too many failed authentications from this address", {
        headers: { "retry-after": String(wait) },
        quiet: true,
      });
    }
    if (!auth.ok) {
      ctx.authFailures.failed(source, auth.reason);
      const message = auth.reason === "missing_token" ? "Authorization: Bearer <token> is required" : "unknown token";
      return refuse(ctx, request, reply, auth.reason, message, { headers: { "www-authenticate": "Bearer" }, quiet: true });
    }
    ctx.authFailures.succeeded(source, auth.scope.fingerprint);
    request.sgScope = auth.scope;
    const take = ctx.tokenLimiter.take(auth.scope.fingerprint);
    if (!take.ok) {
      return refuse(ctx, request, reply, "rate_limited", "too many requests for this token", {
        headers: { "retry-after": String(take.retryAfterSec) },
      });
    }
    return undefined;
  };
}

/** onRequest hook for platform webhooks: a per-source-address limit (the platforms have no token). */
export function limitBySource(ctx: GatewayContext): onRequestHookHandler {
  return async function (request, reply) {
    const take = ctx.sourceLimiter.take(`${routeLabel(request)}|${request.ip}`);
    if (!take.ok) {
      return refuse(ctx, request, reply, "rate_limited", "too many requests from this source", {
        headers: { "retry-after": String(take.retryAfterSec) },
      });
    }
    return undefined;
  };
}
