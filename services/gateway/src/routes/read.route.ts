import { Platform } from "@sg/events";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import type { ShopSnapshot } from "../ports.js";

const ShopParams = z.object({ platform: Platform, shopId: z.string().min(1).max(64) });

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
