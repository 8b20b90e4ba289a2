import { PlatformFigures, shanghaiDayOf, toShanghaiIso } from "@sg/events";
import type { DouyinScoreApi } from "@sg/config";
import { z } from "zod";
import { mapFigures, type FieldMap } from "../fields.js";
import { fetchOnce, PullError, type FigureSource } from "../source.js";
import { douyinSign, sortedJson } from "./douyin.sign.js";

export const DOUYIN_SCORE_METHOD = "shop.getExperienceScore";

/**
 * Response fields of `shop.getExperienceScore` → ScoreGuard's items. The field names are the SDK's
 * (rules-2026.md "Platform API": `seller_rating_info`, `prod_dsr`, `quality_return_rate`,
 * `collect_ontime_rate`, `delivery_accomplish_rate`, `average_feedback_time`, `aftersale_deal_reach_rate`);
 * which of our items each one is, is our reading of the renames listed there, so `reconciliation.douyin.fields`
 * may replace any of it. `average_feedback_time` is left out: the platform's is a 30-day figure, our
 * douyin@2023-06 `avg_response_seconds` a day's.
 */
export const DOUYIN_DEFAULT_FIELDS: FieldMap = {
  seller_rating_info: "total",
  prod_dsr: "product_rating",
  quality_return_rate: "quality_return_rate",
  collect_ontime_rate: "pickup_24h_rate",
  delivery_accomplish_rate: "delivery_on_time_rate",
  aftersale_deal_reach_rate: "aftersale_review_hours",
};

/** The open platform's answer: `err_no` 0 and `data`, or an error code and message. */
const Answer = z.object({ err_no: z.number(), message: z.string().optional(), data: z.unknown().optional() });

/** Platform error codes that mean "try again later" (throttled, busy); other codes are permanent for the attempt. */
const BUSY = new Set([50002, 50003, 90000]);

export function createDouyinSource(cfg: DouyinScoreApi, timeoutMs: number): FigureSource {
  const fields = { ...DOUYIN_DEFAULT_FIELDS, ...(cfg.fields ?? {}) };
  return {
    platform: "douyin",
    shops: Object.keys(cfg.shops),
    pullAt: cfg.pullAt,
    async pull(shopId, day, nowMs) {
      const shop = cfg.shops[shopId];
      if (shop === undefined) throw new PullError(`douyin shop ${shopId} is not in reconciliation.douyin.shops`, false);
      const paramJson = sortedJson({ date: day });
      const timestamp = toShanghaiIso(nowMs).slice(0, 19).replace("T", " ");
      const sign = douyinSign({
        appKey: cfg.appKey,
        appSecret: cfg.appSecret,
        method: DOUYIN_SCORE_METHOD,
        paramJson,
        timestamp,
        v: "2",
        signMethod: cfg.signMethod,
      });
      // POST {host}/shop/getExperienceScore?app_key&method&v&timestamp&sign_method&sign&access_token, body param_json.
      const url = new URL(`/${DOUYIN_SCORE_METHOD.replace(".", "/")}`, cfg.host);
      const q = {
        app_key: cfg.appKey,
        method: DOUYIN_SCORE_METHOD,
        v: "2",
        timestamp,
        sign_method: cfg.signMethod,
        sign,
        access_token: shop.accessToken,
      };
      for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
      const res = await fetchOnce(url, { method: "POST", headers: { "content-type": "application/json" }, body: paramJson }, timeoutMs);
      const answer = Answer.safeParse(await res.json().catch(() => undefined));
      if (!answer.success) throw new PullError("douyin: the answer is not the open platform's JSON", false);
      const { err_no } = answer.data;
      if (err_no !== 0) throw new PullError(`douyin: platform error ${err_no}`, BUSY.has(err_no));
      return PlatformFigures.parse({
        platform: "douyin",
        shopId,
        day,
        source: "douyin_api",
        receivedAtMs: nowMs,
        ...mapFigures(answer.data.data, fields),
      });
    },
  };
}

/** Yesterday in Shanghai, for a pull at `nowMs`. */
export function yesterdayOf(nowMs: number): string {
  return shanghaiDayOf(nowMs - 86_400_000);
}
