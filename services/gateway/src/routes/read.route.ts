import { FiringAlert, Platform, StoredSnapshot } from "@sg/events";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import { TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";
import type { ShopSnapshot } from "../ports.js";

/** A shop in a path: `/v1/shops/{platform}/{shopId}/…` (the read API, and later its evidence and history). */
export const ShopParams = z.object({ platform: Platform, shopId: z.string().min(1).max(64) });

export const FiringAlerts = z.object({
  platform: z.string(),
  shopId: z.string(),
  rulePack: z.string(),
  alerts: z.array(FiringAlert),
});

const NOT_FOUND = refusal("No events for this shop yet (error not_found)");

export const readRoutes = [
  route({
    method: "get",
    path: "/v1/shops/{platform}/{shopId}/metrics",
    tag: "read",
    summary: "The shop's metrics, live",
    description: "The shop entry of `replay`'s output (events.md), with the evaluation time, version and pending items.",
    security: "bearer",
    params: ShopParams,
    responses: {
      "200": { description: "Snapshot", body: StoredSnapshot },
      "400": refusal("Unknown platform or bad shop id (problems names the field)"),
      ...TOKEN_REFUSALS,
      "404": NOT_FOUND,
      "503": refusal("The snapshot reader is not configured"),
    },
  }),
  route({
    method: "get",
    path: "/v1/shops/{platform}/{shopId}/alerts",
    tag: "read",
    summary: "The shop's alerts firing now",
    security: "bearer",
    params: ShopParams,
    responses: {
      "200": { description: "Firing alerts", body: FiringAlerts },
      "400": refusal("Unknown platform or bad shop id (problems names the field)"),
      ...TOKEN_REFUSALS,
      "404": NOT_FOUND,
      "503": refusal("The snapshot reader is not configured"),
    },
  }),
];

/**
 * `GET /v1/shops/{platform}/{shopId}/metrics` and `/alerts`, scoped by token: 401 without one,
 * 403 for a shop it does not list, 404 for a shop with no events yet.
 */
export function registerReadRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  /** The shop's snapshot, or null once a refusal or 404 was sent. */
  const load = async (request: FastifyRequest, reply: FastifyReply): Promise<ShopSnapshot | null> => {
    const params = ShopParams.safeParse(request.params);
    if (!params.success) {
      refuse(ctx, request, reply, "invalid_request", "unknown platform or bad shop id", {
        fields: { problems: params.error.issues.map((i) => ({ field: i.path.join("."), reason: i.message })) },
      });
      return null;
    }
    const { platform, shopId } = params.data;
    if (request.sgScope === null || !request.sgScope.allows(platform, shopId)) {
      refuse(ctx, request, reply, "forbidden", `the token does not list ${platform}:${shopId}`);
      return null;
    }
    if (ctx.snapshots === undefined) {
      refuse(ctx, request, reply, "unavailable", "the snapshot reader is not configured");
      return null;
    }
    const snap = await ctx.snapshots.shop(platform, shopId);
    if (snap === null) reply.code(404).send({ error: "not_found", message: `no events for ${platform}:${shopId} yet` });
    return snap;
  };

  const opts = { onRequest: [requireToken(ctx)] };
  app.get("/v1/shops/:platform/:shopId/metrics", opts, async (request, reply) => {
    const snap = await load(request, reply);
    if (snap === null) return reply;
    // The same JSON as one shop entry of `replay`'s output (events.md).
    return reply.send(snap);
  });

  app.get("/v1/shops/:platform/:shopId/alerts", opts, async (request, reply) => {
    const snap = await load(request, reply);
    if (snap === null) return reply;
    // A snapshot lists only firing alerts (FiringAlert in @sg/events).
    return reply.send({ platform: snap.platform, shopId: snap.shopId, rulePack: snap.rulePack, alerts: snap.alerts });
  });
}
