import { DeliveryFailure, DeliveryStatus, FAILURES_KEPT, parseAlertKey } from "@sg/events";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { TokenScope } from "../http/auth.js";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import { TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";

/** The notifier keeps its `FAILURES_KEPT` (200) newest failures. */
export const MAX_DELIVERY_FAILURES = FAILURES_KEPT;
export const DEFAULT_DELIVERY_FAILURES = 50;

export const DeliveriesQuery = z.object({
  limit: z
    .string()
    // abort: a limit that is no integer is one problem, not also a failed bound on what it would convert to.
    .regex(/^[0-9]{1,3}$/, { error: "must be an integer from 1 to 200", abort: true })
    .transform(Number)
    .pipe(z.number().int().min(1, "must be an integer from 1 to 200").max(MAX_DELIVERY_FAILURES, "must be an integer from 1 to 200"))
    .default(DEFAULT_DELIVERY_FAILURES)
    .describe("Most failures returned"),
});

export const Deliveries = z.object({
  receivers: z.record(z.string(), DeliveryStatus),
  failures: z.array(DeliveryFailure).max(MAX_DELIVERY_FAILURES),
});

export const deliveryRoutes = [
  route({
    method: "get",
    path: "/v1/deliveries",
    tag: "deliveries",
    summary: "The notifier's delivery status",
    description:
      "The last attempt per receiver and recent failed deliveries, newest first (alerts.md: a permanent error remains visible through the API). " +
      "A token listing `*` sees every receiver and failure; any other token sees `receivers: {}` and only the failures whose alerts all belong to shops it lists.",
    security: "bearer",
    query: DeliveriesQuery,
    responses: {
      "200": { description: "Delivery status", body: Deliveries },
      "400": refusal("limit is not an integer from 1 to 200 (problems names limit)"),
      "401": TOKEN_REFUSALS["401"]!,
      "429": TOKEN_REFUSALS["429"]!,
      "503": refusal("The delivery status reader is not configured"),
    },
  }),
];

/**
 * A token that does not list `*` sees a failure only when every alert it carried belongs to a shop the token
 * lists. A failure naming no alert (or an identity that does not parse) belongs to no shop: only `*` sees it.
 */
function visible(scope: TokenScope, failure: DeliveryFailure): boolean {
  if (scope.all) return true;
  if (failure.alerts.length === 0) return false;
  return failure.alerts.every((key) => {
    const shop = parseAlertKey(key);
    return shop !== null && scope.allows(shop.platform, shop.shopId);
  });
}

// Field by field, so that whatever else a stored record might one day hold (a URL, a secret) never leaves.
const status = (s: DeliveryStatus): DeliveryStatus => ({
  receiver: s.receiver,
  channel: s.channel,
  outcome: s.outcome,
  code: s.code,
  at: s.at,
  notificationIds: [...(s.notificationIds ?? [])],
});
const failure = (f: DeliveryFailure): DeliveryFailure => ({ ...status(f), alerts: [...(f.alerts ?? [])] });

/**
 * `GET /v1/deliveries` (alerts.md "Retries": a permanent error "remains visible through the API"): the
 * notifier's last attempt per receiver and its recent failed deliveries, newest first, scoped by token.
 * Receivers are global configuration, so only a `*` token sees them; other tokens get `receivers: {}`.
 */
export function registerDeliveryRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get("/v1/deliveries", { onRequest: [requireToken(ctx)] }, async (request, reply) => {
    const query = DeliveriesQuery.safeParse(request.query ?? {});
    if (!query.success) {
      return refuse(ctx, request, reply, "invalid_request", "invalid query", {
        fields: { problems: query.error.issues.map((i) => ({ field: i.path.join(".") || "(query)", reason: i.message })) },
      });
    }
    if (ctx.deliveries === undefined) return refuse(ctx, request, reply, "unavailable", "the delivery status reader is not configured");
    const scope = request.sgScope;
    if (scope === null) return refuse(ctx, request, reply, "missing_token", "Authorization: Bearer <token> is required");
    const limit = query.data.limit;

    if (scope.all) {
      const [receivers, failures] = await Promise.all([ctx.deliveries.receivers(), ctx.deliveries.failures(limit)]);
      return reply.send({
        receivers: Object.fromEntries(Object.entries(receivers).map(([name, s]) => [name, status(s)])),
        failures: failures.slice(0, limit).map(failure),
      });
    }
    // Filter over every failure kept, then cut, so a scoped token still gets up to `limit` of its own.
    const failures = await ctx.deliveries.failures(MAX_DELIVERY_FAILURES);
    return reply.send({
      receivers: {},
      failures: failures
        .filter((f) => visible(scope, f))
        .slice(0, limit)
        .map(failure),
    });
  });
}
