import { PlatformFigures } from "@sg/events";
import type { KuaishouScoreApi } from "@sg/config";
import { z } from "zod";
import { mapFigures, type FieldMap } from "../fields.js";
import { fetchOnce, PullError, type FigureSource } from "../source.js";
import { kuaishouSign } from "./kuaishou.sign.js";

export const KUAISHOU_SCORE_METHOD = "open.score.shop.get";

/**
 * Result fields of `open.score.shop.get` (店铺体验分: total and dimensions) → ScoreGuard's items. The names are
 * the public SDK's model (`overall_score`, `product_score`, `logistics_score`, `after_sale_score`,
 * `service_score`), marked low confidence: `reconciliation.kuaishou.fields` replaces any of it. ScoreGuard
 * computes no Kuaishou score yet, so these compare as `unknown` until a pack declares one.
 */
export const KUAISHOU_DEFAULT_FIELDS: FieldMap = {
  overall_score: "total",
  product_score: "dimension.product",
  logistics_score: "dimension.logistics",
  after_sale_score: "dimension.after_sale",
  service_score: "dimension.service",
};

/** The open platform's answer: `result` on success; `error_code`/`error_msg` otherwise. */
const Answer = z.object({
  result: z.unknown().optional(),
  error_code: z.union([z.string(), z.number()]).optional(),
  error_msg: z.string().optional(),
});

export function createKuaishouSource(cfg: KuaishouScoreApi, timeoutMs: number): FigureSource {
  const fields = { ...KUAISHOU_DEFAULT_FIELDS, ...(cfg.fields ?? {}) };
  return {
    platform: "kuaishou",
    shops: Object.keys(cfg.shops),
    pullAt: cfg.pullAt,
    async pull(shopId, day, nowMs) {
      const shop = cfg.shops[shopId];
      if (shop === undefined) throw new PullError(`kuaishou shop ${shopId} is not in reconciliation.kuaishou.shops`, false);
      const params: Record<string, string> = {
        method: KUAISHOU_SCORE_METHOD,
        appkey: cfg.appKey,
        access_token: shop.accessToken,
        version: "1",
        timestamp: String(nowMs),
        signMethod: cfg.signMethod,
        param: JSON.stringify({ date: day }),
      };
      params.sign = kuaishouSign(params, cfg.signSecret, cfg.signMethod);
      // GET {host}/open/score/shop/get with the signed parameters in the query (the SDK's form for this method).
      const url = new URL(`/${KUAISHOU_SCORE_METHOD.replaceAll(".", "/")}`, cfg.host);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const res = await fetchOnce(url, { method: "GET" }, timeoutMs);
      const answer = Answer.safeParse(await res.json().catch(() => undefined));
      if (!answer.success) throw new PullError("kuaishou: the answer is not the open platform's JSON", false);
      const code = answer.data.error_code;
      if (code !== undefined && code !== "" && String(code) !== "0") throw new PullError(`kuaishou: platform error ${String(code)}`, false);
      return PlatformFigures.parse({
        platform: "kuaishou",
        shopId,
        day,
        source: "kuaishou_api",
        receivedAtMs: nowMs,
        ...mapFigures(answer.data.result, fields),
      });
    },
  };
}
