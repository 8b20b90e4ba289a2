import {
  EVIDENCE_CSV_COLUMNS,
  EvidencePage,
  EvidenceQuery,
  decodeEvidenceCursor,
  encodeEvidenceCursor,
  type EvidenceItem,
  type EvidenceOutcome,
  type StoredEvidencePage,
} from "@sg/events";
import type { FastifyInstance } from "fastify";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import { TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";
import { MetricParams } from "./history.route.js";

export const evidenceRoutes = [
  route({
    method: "get",
    path: "/v1/shops/{platform}/{shopId}/metrics/{metric}/items",
    tag: "read",
    summary: "The items behind a metric: its bad, good, pending or excluded items, newest first",
    description:
      "docs/evidence.md: the current window's items of one outcome, each with the moments that decided it, why (zh-CN and English), the day it counts on and the day it leaves the window, and for a bad item its cost (the value and the score without it). Read from the processor's evidence projection, listed at most every 60 s (`asOf`). `Accept: text/csv` answers a spreadsheet whose header row names each column in zh-CN and English.",
    security: "bearer",
    params: MetricParams,
    query: EvidenceQuery,
    responses: {
      "200": { description: "One page of items (or text/csv)", body: EvidencePage },
      "400": refusal("Unknown platform, bad shop id, bad metric name, unknown outcome, bad limit or cursor (problems names the field)"),
      ...TOKEN_REFUSALS,
      "404": refusal("No events for this shop yet, or a metric the shop's pack does not have (error not_found)"),
      "503": refusal("The evidence reader is not configured, or the processor has not listed this shop's items yet"),
    },
  }),
];

/** What the evidence route reads: the processor's evidence projection (createEvidenceReader in @sg/events/runtime). */
export interface EvidencePort {
  /** Says the shop's items are wanted: the processor lists only shops someone asked for (EVIDENCE_WANTED_MS). */
  want(shop: { platform: string; shopId: string }): Promise<void>;
  page(
    shop: { platform: string; shopId: string },
    metric: string,
    outcome: EvidenceOutcome,
    offset: number,
    limit: number,
  ): Promise<StoredEvidencePage | null>;
}

/**
 * `GET /v1/shops/{platform}/{shopId}/metrics/{metric}/items?outcome=…&limit=…&cursor=…`, scoped by token like
 * the read API: 401 without one, 403 for a shop it does not list; 404 for a shop with no snapshot or a metric
 * not in its pack; 400 for an unknown outcome.
 */
export function registerEvidenceRoutes(app: FastifyInstance, ctx: GatewayContext, port: EvidencePort | undefined): void {
  app.get("/v1/shops/:platform/:shopId/metrics/:metric/items", { onRequest: [requireToken(ctx)] }, async (request, reply) => {
    const params = MetricParams.safeParse(request.params);
    const query = EvidenceQuery.safeParse(request.query ?? {});
    if (!params.success || !query.success) {
      const issues = [...(params.error?.issues ?? []), ...(query.error?.issues ?? [])];
      return refuse(
        ctx,
        request,
        reply,
        "invalid_request",
        "unknown platform, bad shop id, bad metric name, unknown outcome, bad limit or cursor",
        {
          fields: { problems: issues.map((i) => ({ field: i.path.join("."), reason: i.message })) },
        },
      );
    }
    const { platform, shopId, metric } = params.data;
    const { outcome, limit, cursor } = query.data;
    if (request.sgScope === null || !request.sgScope.allows(platform, shopId))
      return refuse(ctx, request, reply, "forbidden", `the token does not list ${platform}:${shopId}`);
    const offset = cursor === undefined ? 0 : decodeEvidenceCursor(cursor);
    if (offset === null)
      return refuse(ctx, request, reply, "invalid_request", "bad cursor", {
        fields: { problems: [{ field: "cursor", reason: "must be the `next` of a previous page" }] },
      });
    if (ctx.snapshots === undefined || port === undefined)
      return refuse(ctx, request, reply, "unavailable", "the evidence reader is not configured");
    const snap = await ctx.snapshots.shop(platform, shopId);
    if (snap === null) return reply.code(404).send({ error: "not_found", message: `no events for ${platform}:${shopId} yet` });
    if (snap.metrics[metric] === undefined)
      return reply
        .code(404)
        .send({ error: "not_found", message: `${platform}:${shopId} has no metric ${metric} (its pack is ${snap.rulePack})` });
    // Only after the token and the shop's metric were checked: nobody makes another tenant's shop listed.
    // The mark and the page are independent reads: sent together, one round trip's wait instead of two.
    const [, stored] = await Promise.all([
      port.want({ platform, shopId }),
      port.page({ platform, shopId }, metric, outcome, offset, limit),
    ]);
    if (stored === null)
      return refuse(ctx, request, reply, "unavailable", `the processor has not listed the items of ${platform}:${shopId} yet`, {
        headers: { "retry-after": "15" },
      });
    const items = stored.items;
    const next = offset + limit < stored.kept ? encodeEvidenceCursor(offset + limit) : null;
    const page: EvidencePage = {
      platform,
      shopId,
      metric,
      outcome,
      asOf: stored.asOf,
      window: stored.window,
      total: stored.total,
      items,
      next,
    };
    if (wantsCsv(request.headers.accept)) {
      if (next !== null) reply.header("link", `<?outcome=${outcome}&limit=${limit}&cursor=${next}>; rel="next"`);
      return reply.type("text/csv; charset=utf-8").send(evidenceCsv(items));
    }
    return reply.send(page);
  });
}

/** Whether the client asked for the CSV form (an explicit `text/csv`, not `*\/*`). */
export function wantsCsv(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*text\/csv\b/i.test(accept);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The CSV form of a page (EVIDENCE_CSV_COLUMNS): a UTF-8 byte-order mark (so spreadsheet programs read the
 * Chinese), one header row naming each column "单号 / Item id", then one row per item; `why` in both languages.
 */
export function evidenceCsv(items: readonly EvidenceItem[]): string {
  const cell: Record<(typeof EVIDENCE_CSV_COLUMNS)[number]["key"], (it: EvidenceItem) => string> = {
    id: (it) => (it.consumerId === undefined ? it.id : `${it.consumerId} ${it.id}`),
    scope: (it) => it.scope,
    outcome: (it) => it.outcome,
    why: (it) => `${it.why["zh-CN"]} / ${it.why.en}`,
    countsOn: (it) => it.countsOn,
    leavesOn: (it) => it.leavesOn ?? "",
    valueWithout: (it) => (it.cost?.valueWithout == null ? "" : String(it.cost.valueWithout)),
    scoreWithout: (it) => (it.cost?.scoreWithout == null ? "" : String(it.cost.scoreWithout)),
  };
  const rows = [EVIDENCE_CSV_COLUMNS.map((c) => csvField(`${c["zh-CN"]} / ${c.en}`)).join(",")];
  for (const it of items) rows.push(EVIDENCE_CSV_COLUMNS.map((c) => csvField(cell[c.key](it))).join(","));
  return `\uFEFF${rows.join("\r\n")}\r\n`;
}
