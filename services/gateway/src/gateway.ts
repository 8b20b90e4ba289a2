import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from "fastify";
import type { DeliveryStatusReader, SilenceStore } from "@sg/events/runtime";
import type { Registry } from "prom-client";
import { registerDouyinRoute } from "./adapters/douyin/douyin.route.js";
import { registerKuaidi100Route } from "./adapters/kuaidi100/kuaidi100.route.js";
import { registerKuaishouRoute } from "./adapters/kuaishou/kuaishou.route.js";
import { registerBoardRoutes, type BoardDeps } from "./board/board.route.js";
import { createTokenRegistry } from "./http/auth.js";
import { DEFAULT_AUTH_FAILURE_RATE, createAuthFailureGuard } from "./http/auth-failures.js";
import { DEFAULT_CONNECTION_LIMITS, capConnectionsPerSource, timeoutOptions, type ConnectionLimits } from "./http/connection-guard.js";
import { refuse, routeLabel, type GatewayContext, type Limits } from "./http/context.js";
import { createGatewayMetrics, type GatewayMetrics } from "./http/gateway-metrics.js";
import { createRateLimiter, type RateLimit } from "./http/rate-limit.js";
import { createReplayCache } from "./http/replay-cache.js";
import type { EventSink, GatewayConfig, NewShopQuota, SnapshotReader } from "./ports.js";
import { registerDeliveryRoutes } from "./routes/deliveries.route.js";
import { registerEventRoutes } from "./routes/events.route.js";
import { registerOpenApiRoute } from "./routes/openapi.route.js";
import { registerOpsRoutes } from "./routes/ops.route.js";
import { registerReadRoutes } from "./routes/read.route.js";
import { registerHistoryRoutes, type HistoryPort } from "./routes/history.route.js";
import { registerEvidenceRoutes, type EvidencePort } from "./routes/evidence.route.js";
import { registerReconciliationRoutes, type ReconciliationPort } from "./routes/reconciliation.route.js";
import { registerSilenceRoutes } from "./routes/silences.route.js";

export interface GatewayDeps {
  config: GatewayConfig;
  /** The producer port (Kafka in service, a recording stub in unit tests). */
  sink: EventSink;
  /** The process's prom-client registry (`@sg/telemetry` `createRegistry`); served at /metrics on the ops server. */
  registry: Registry;
  logger: FastifyBaseLogger;
  /** Created on `registry` when not given; pass it to share with the Pinduoduo client. */
  metrics?: GatewayMetrics;
  snapshots?: SnapshotReader;
  silences?: SilenceStore;
  /** The notifier's delivery status (`createDeliveryStatusReader`), read by `GET /v1/deliveries`. */
  deliveries?: DeliveryStatusReader;
  /** The per-token quota of new shops per day (`createRedisNewShopQuota`); without it, not enforced. */
  newShops?: NewShopQuota;
  /** Readiness of what the gateway depends on (the producer is connected…); combined with intake state. */
  ready?: () => Promise<boolean> | boolean;
  limits?: Partial<Limits>;
  /** Per API token (canonical intake, read API). */
  tokenRate?: RateLimit;
  /** Per source address and webhook (the platforms send no token). */
  sourceRate?: RateLimit;
  /** Failed authentications per source address, before it gets 429 (default `DEFAULT_AUTH_FAILURE_RATE`). */
  authFailureRate?: RateLimit;
  /** How often the failed-authentication summary is logged (default 60 s). */
  authLogIntervalMs?: number;
  /** Trust X-Forwarded-For from a proxy in front (the source address for rate limits and logs). */
  trustProxy?: boolean;
  /** Request timeouts and the per-source connection cap of the public server. */
  connections?: Partial<ConnectionLimits>;
  now?: () => number;
  /** The shop board (`/board`): its snapshot hub and stream settings. */
  board?: BoardDeps;
  /** Reconciliation reports and figure imports (`/v1/shops/…/reconciliation`); without it, 503. */
  reconciliation?: ReconciliationPort;
  /** End-of-day values for `/v1/shops/…/metrics/{metric}/history`; without it, 503. */
  history?: HistoryPort;
  /** The evidence projection for `/v1/shops/…/metrics/{metric}/items`; without it, 503. */
  evidence?: EvidencePort;
}

export interface Gateway {
  /** The public server: intake, webhooks, the read API. */
  app: FastifyInstance;
  /**
   * The ops server: `/metrics`, `/livez`, `/readyz`. Separate because `/metrics` carries
   * per-shop series, which the public port must not serve without a token; bind it to loopback.
   */
  ops: FastifyInstance;
  metrics: GatewayMetrics;
  /** The public server's routes as registered (method, fastify url); `/openapi.json` must describe each. */
  routes: readonly RegisteredRoute[];
  /** Starts the public server; returns the bound port. Loopback unless a host is given. */
  listen(port: number, host?: string): Promise<number>;
  /** Starts the ops server; returns the bound port. Loopback unless a host is given. */
  listenOps(port: number, host?: string): Promise<number>;
  /** Stops taking requests: /readyz turns 503 and every route but the ops ones answers 503. */
  stopIntake(): void;
  /** Stops intake, then waits for in-flight requests and closes both servers. */
  close(): Promise<void>;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

/** 1 MiB: the intake contract's "1 MB" read as the usual HTTP meaning of a body limit. */
export const DEFAULT_LIMITS: Limits = { bodyLimitBytes: 1024 * 1024, maxEvents: 1000 };
/** Generous defaults: a token may send 50 batches of 1,000 events a second; one address 200 pushes a second. */
export const DEFAULT_TOKEN_RATE: RateLimit = { ratePerSec: 50, burst: 100 };
export const DEFAULT_SOURCE_RATE: RateLimit = { ratePerSec: 200, burst: 400 };

/** Public routes that still answer while intake is stopped. */
const ALWAYS_ROUTES = new Set(["/openapi.json"]);

/**
 * Builds the gateway (fastify) without listening: `main.ts` wires real clients and shutdown, tests drive it
 * with `inject`. Every content type is read as raw bytes, so signatures are checked over exactly what was
 * sent and each route decodes (UTF-8, JSON, form, ciphertext) itself.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const now = deps.now ?? Date.now;
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const connections: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...deps.connections };
  const metrics = deps.metrics ?? createGatewayMetrics(deps.registry);
  const ctx: GatewayContext = {
    config: deps.config,
    sink: deps.sink,
    metrics,
    logger: deps.logger,
    tokens: createTokenRegistry(deps.config.apiTokens),
    tokenLimiter: createRateLimiter(deps.tokenRate ?? DEFAULT_TOKEN_RATE, { now }),
    sourceLimiter: createRateLimiter(deps.sourceRate ?? DEFAULT_SOURCE_RATE, { now }),
    authFailures: createAuthFailureGuard({
      limit: deps.authFailureRate ?? DEFAULT_AUTH_FAILURE_RATE,
      logger: deps.logger,
      now,
      ...(deps.authLogIntervalMs === undefined ? {} : { intervalMs: deps.authLogIntervalMs }),
    }),
    replays: createReplayCache({ now }),
    limits,
    now,
    snapshots: deps.snapshots,
    silences: deps.silences,
    deliveries: deps.deliveries,
    newShops: deps.newShops,
  };

  const app = Fastify({
    loggerInstance: deps.logger,
    // Request logs would carry headers (tokens, signatures); refusals and errors are logged explicitly.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimitBytes,
    trustProxy: deps.trustProxy ?? false,
    return503OnClosing: true,
    ...timeoutOptions(connections),
  });
  const routes: RegisteredRoute[] = [];
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.decorateRequest("sgScope", null);
  capConnectionsPerSource(app.server, connections.maxConnectionsPerSource, (ip) => {
    metrics.refusals.inc({ route: "connection", reason: "too_many_connections" });
    deps.logger.warn({ ip, reason: "too_many_connections" }, "refused: too many open connections from this address");
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  let accepting = true;
  app.addHook("onRequest", async (request, reply) => {
    if (!accepting && !ALWAYS_ROUTES.has(routeLabel(request))) {
      return refuse(ctx, request, reply, "shutting_down", "the gateway is shutting down", {
        headers: { "retry-after": "5", connection: "close" },
      });
    }
    return undefined;
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.requestSeconds.observe({ route: routeLabel(request), status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return refuse(ctx, request, reply, "body_too_large", `body over ${limits.bodyLimitBytes} bytes`);
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return refuse(ctx, request, reply, "unsupported_media_type", "unsupported content type");
    }
    if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      // Other client errors fastify raises while reading the request (bad content-length, aborted body…).
      return refuse(ctx, request, reply, "invalid_request", error.message);
    }
    request.log.error({ err: error, route: routeLabel(request) }, "unhandled error");
    return reply.code(500).send({ error: "internal", message: "internal error" });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not_found", message: `${request.method} ${request.url.split("?")[0]} is not a route` }),
  );

  const ready = async () => accepting && ((await deps.ready?.()) ?? true);
  const ops = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    ...timeoutOptions(connections),
  });
  ops.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: "not_found", message: `${request.method} ${request.url.split("?")[0]} is not an ops route` }),
  );
  registerOpsRoutes(ops, deps.registry, ready);
  registerOpenApiRoute(app, limits);
  registerEventRoutes(app, ctx);
  registerReadRoutes(app, ctx);
  registerHistoryRoutes(app, ctx, deps.history);
  registerEvidenceRoutes(app, ctx, deps.evidence);
  registerReconciliationRoutes(app, ctx, deps.reconciliation);
  registerSilenceRoutes(app, ctx);
  registerDeliveryRoutes(app, ctx);
  registerBoardRoutes(app, ctx, deps.board ?? {});
  // A platform's webhook exists only when its credentials are configured: an unconfigured one cannot verify.
  const p = deps.config.platforms;
  if (p.douyin !== undefined) registerDouyinRoute(app, ctx, p.douyin);
  if (p.kuaishou !== undefined) registerKuaishouRoute(app, ctx, p.kuaishou);
  if (p.kuaidi100 !== undefined) registerKuaidi100Route(app, ctx, p.kuaidi100);

  const stopIntake = () => {
    accepting = false;
  };
  return {
    app,
    metrics,
    routes,
    ops,
    listen: (port, host = LOOPBACK) => listenOn(app, port, host),
    listenOps: (port, host = LOOPBACK) => listenOn(ops, port, host),
    stopIntake,
    async close() {
      stopIntake();
      await app.close();
      await ops.close();
      ctx.authFailures.close();
    },
  };
}

/** Where servers bind unless configured otherwise: only this machine can reach them. */
export const LOOPBACK = "127.0.0.1";

async function listenOn(server: FastifyInstance, port: number, host: string): Promise<number> {
  await server.listen({ port, host });
  const addr = server.server.address();
  return typeof addr === "object" && addr !== null ? addr.port : port;
}
