import { Platform, ReconciliationReport, ShanghaiDay, shanghaiDayOf, type PlatformFigures } from "@sg/events";
import { FiguresImportError, itemAliases, parseFiguresFile } from "@sg/figures";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { bodyBytes, refuse, requireToken, type GatewayContext } from "../http/context.js";
import { TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";

const ShopParams = z.object({ platform: Platform, shopId: z.string().min(1).max(64) });
const DayQuery = z.looseObject({ day: ShanghaiDay.optional().describe("YYYY-MM-DD (Asia/Shanghai); default yesterday") });

/** What a figures import answers. */
const ImportAccepted = z.object({
  platform: z.string(),
  shopId: z.string(),
  day: z.string(),
  items: z.number().int().nonnegative(),
  accepted: z.literal(true),
});

const BAD_SHOP = refusal("Unknown platform, bad shop id or bad day (problems names the field)");
const UNCONFIGURED = refusal("Reconciliation is not configured");

export const reconciliationRoutes = [
  route({
    method: "get",
    path: "/v1/shops/{platform}/{shopId}/reconciliation",
    tag: "read",
    summary: "The shop-day's comparison with the platform's own figures",
    description: "docs/reconciliation.md: each item match, drift, missing or unknown, with counts and likely causes.",
    security: "bearer",
    params: ShopParams,
    query: DayQuery,
    responses: {
      "200": { description: "Reconciliation report", body: ReconciliationReport },
      "400": BAD_SHOP,
      ...TOKEN_REFUSALS,
      "404": refusal("No reconciliation of this shop-day yet (error not_found)"),
      "503": UNCONFIGURED,
    },
  }),
  route({
    method: "post",
    path: "/v1/shops/{platform}/{shopId}/reconciliation",
    tag: "read",
    summary: "Import the platform's figures of a shop-day (CSV or XLSX)",
    description:
      "JD and Pinduoduo have no score API: the backend's download, column mapping in docs/reconciliation.md. A file with a bad cell is refused whole, naming its row and column.",
    security: "bearer",
    params: ShopParams,
    query: DayQuery,
    body: {
      schema: z.string().describe("The file's bytes"),
      contentType: "text/csv",
      description: "CSV, or XLSX as application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    responses: {
      "202": { description: "Imported; compared at the reconciler's next pass", body: ImportAccepted },
      "400": refusal("A bad cell (row, column, reason), or a bad shop or day"),
      ...TOKEN_REFUSALS,
      "503": UNCONFIGURED,
    },
  }),
];

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
