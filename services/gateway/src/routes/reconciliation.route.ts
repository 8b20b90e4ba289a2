import { Platform, ShanghaiDay, shanghaiDayOf, type PlatformFigures, type ReconciliationReport } from "@sg/events";
import { FiguresImportError, itemAliases, parseFiguresFile } from "@sg/figures";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { bodyBytes, refuse, requireToken, type GatewayContext } from "../http/context.js";

const ShopParams = z.object({ platform: Platform, shopId: z.string().min(1).max(64) });
const DayQuery = z.object({ day: ShanghaiDay.optional() }).passthrough();

/** What the reconciliation routes need: the reconciler's reports, and a store for imported figures. */
export interface ReconciliationPort {
  report(shop: { platform: string; shopId: string }, day: string): Promise<ReconciliationReport | null>;
  importFigures(figures: PlatformFigures, nowMs: number): Promise<void>;
}

/**
 * `GET /v1/shops/{platform}/{shopId}/reconciliation?day=YYYY-MM-DD` (default yesterday): the reconciler's
 * report for the shop-day; `POST` the same path with a CSV or XLSX body (docs/reconciliation.md "Importing
 * figures"): the platform's figures for that day, refused whole with the row and column of the first bad
 * cell. Both scoped by token like the read API: 401 without one, 403 for a shop it does not list.
 */
export function registerReconciliationRoutes(app: FastifyInstance, ctx: GatewayContext, port: ReconciliationPort | undefined): void {
  const scoped = (
    request: FastifyRequest,
    reply: FastifyReply,
  ): { shop: { platform: Platform; shopId: string }; day: string | undefined } | null => {
    const params = ShopParams.safeParse(request.params);
    const query = DayQuery.safeParse(request.query ?? {});
    if (!params.success || !query.success) {
      const issues = [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])];
      refuse(ctx, request, reply, "invalid_request", "unknown platform, bad shop id or bad day", {
        fields: { problems: issues.map((i) => ({ field: i.path.join("."), reason: i.message })) },
      });
      return null;
    }
    const { platform, shopId } = params.data;
    if (request.sgScope === null || !request.sgScope.allows(platform, shopId)) {
      refuse(ctx, request, reply, "forbidden", `the token does not list ${platform}:${shopId}`);
      return null;
    }
    if (port === undefined) {
      refuse(ctx, request, reply, "unavailable", "reconciliation is not configured");
      return null;
    }
    return { shop: { platform, shopId }, day: query.data.day };
  };

  const opts = { onRequest: [requireToken(ctx)] };
  app.get("/v1/shops/:platform/:shopId/reconciliation", opts, async (request, reply) => {
    const s = scoped(request, reply);
    if (s === null) return reply;
    const day = s.day ?? shanghaiDayOf(ctx.now() - 86_400_000);
    const report = await port!.report(s.shop, day);
    if (report === null)
      return reply
        .code(404)
        .send({ error: "not_found", message: `no reconciliation of ${s.shop.platform}:${s.shop.shopId} for ${day} yet` });
    return reply.send(report);
  });

  app.post("/v1/shops/:platform/:shopId/reconciliation", opts, async (request, reply) => {
    const s = scoped(request, reply);
    if (s === null) return reply;
    const now = ctx.now();
    let figures: PlatformFigures;
    try {
      figures = await parseFiguresFile(bodyBytes(request), {
        ...s.shop,
        ...(s.day ? { day: s.day } : {}),
        nowMs: now,
        aliases: itemAliases(s.shop.platform),
      });
    } catch (err) {
      if (!(err instanceof FiguresImportError)) throw err;
      return refuse(ctx, request, reply, "invalid_request", `file refused, nothing imported: ${err.message}`, {
        fields: { row: err.row, column: err.column, reason: err.reason },
      });
    }
    await port!.importFigures(figures, now);
    return reply.code(202).send({
      platform: figures.platform,
      shopId: figures.shopId,
      day: figures.day,
      items: Object.keys(figures.items).length,
      accepted: true,
    });
  });
}
