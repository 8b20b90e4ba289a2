import { DAY_END_RETENTION_DAYS, MetricHistory, addDays, shanghaiDayOf, type DayEnd } from "@sg/events";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import { TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";
import { ShopParams } from "./read.route.js";

export const MetricParams = ShopParams.extend({ metric: z.string().regex(/^[a-z0-9_]{1,64}$/, "must be a metric name") });
const HistoryQuery = z.looseObject({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(DAY_END_RETENTION_DAYS)
    .optional()
    .describe(`Days up to yesterday, 1–${DAY_END_RETENTION_DAYS}; default 30`),
});

/** Days served when the query names none: the board's sparkline length. */
export const DEFAULT_HISTORY_DAYS = 30;

export const historyRoutes = [
  route({
    method: "get",
    path: "/v1/shops/{platform}/{shopId}/metrics/{metric}/history",
    tag: "read",
    summary: "A metric's value at each day's end, oldest first",
    description:
      'docs/evidence.md "History": the end-of-day values the processor keeps (docs/day-end-history.md), the last `days` days up to yesterday; a day the processor did not take (no traffic yet, before retention) is absent, not zero.',
    security: "bearer",
    params: MetricParams,
    query: HistoryQuery,
    responses: {
      "200": { description: "Daily values", body: MetricHistory },
      "400": refusal("Unknown platform, bad shop id, bad metric name or bad days (problems names the field)"),
      ...TOKEN_REFUSALS,
      "404": refusal("No events for this shop yet, or a metric the shop's pack does not have (error not_found)"),
      "503": refusal("The snapshot or history reader is not configured"),
    },
  }),
];

/** What the history route reads: the day-end values of a shop (createDayEndReader in @sg/events/runtime). */
export interface HistoryPort {
  range(shop: { platform: string; shopId: string }, from: string, to: string): Promise<DayEnd[]>;
}

/**
 * `GET /v1/shops/{platform}/{shopId}/metrics/{metric}/history?days=N`, scoped by token like the read API:
 * 401 without one, 403 for a shop it does not list. 404 for a shop with no snapshot, or a metric that is
 * neither in the shop's current snapshot (its pack) nor in any kept day (a metric of a pack the shop left).
 */
export function registerHistoryRoutes(app: FastifyInstance, ctx: GatewayContext, port: HistoryPort | undefined): void {
  app.get("/v1/shops/:platform/:shopId/metrics/:metric/history", { onRequest: [requireToken(ctx)] }, async (request, reply) => {
    const params = MetricParams.safeParse(request.params);
    const query = HistoryQuery.safeParse(request.query ?? {});
    if (!params.success || !query.success) {
      const issues = [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])];
      return refuse(ctx, request, reply, "invalid_request", "unknown platform, bad shop id, bad metric name or bad days", {
        fields: { problems: issues.map((i) => ({ field: i.path.join("."), reason: i.message })) },
      });
    }
    const { platform, shopId, metric } = params.data;
    if (request.sgScope === null || !request.sgScope.allows(platform, shopId))
      return refuse(ctx, request, reply, "forbidden", `the token does not list ${platform}:${shopId}`);
    if (ctx.snapshots === undefined || port === undefined)
      return refuse(ctx, request, reply, "unavailable", "the history reader is not configured");
    const snap = await ctx.snapshots.shop(platform, shopId);
    if (snap === null) return reply.code(404).send({ error: "not_found", message: `no events for ${platform}:${shopId} yet` });

    const to = shanghaiDayOf(ctx.now() - 86_400_000);
    const from = addDays(to, -((query.data.days ?? DEFAULT_HISTORY_DAYS) - 1));
    const kept = await port.range({ platform, shopId }, from, to);
    const days = kept.flatMap((d) => {
      const m = d.metrics[metric];
      if (m === undefined) return [];
      return [
        {
          day: d.day,
          value: m.v,
          ...(m.n === undefined ? {} : { numerator: m.n }),
          ...(m.d === undefined ? {} : { denominator: m.d }),
          status: m.s,
          rulePack: d.rulePack,
        },
      ];
    });
    if (snap.metrics[metric] === undefined && days.length === 0)
      return reply
        .code(404)
        .send({ error: "not_found", message: `${platform}:${shopId} has no metric ${metric} (its pack is ${snap.rulePack})` });
    // The forecast from the shop's latest evaluation (docs/forecast.md): its first point is today's day-end.
    const forecast = snap.metrics[metric]?.forecast;
    const body: MetricHistory = { platform, shopId, metric, days, ...(forecast ? { forecast } : {}) };
    return reply.send(body);
  });
}
