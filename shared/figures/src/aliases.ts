import type { Platform } from "@sg/events";
import { loadRulePacks } from "@sg/rules";

/**
 * Other names an imported row may give an item by: each pack's indicator and metric titles (the backend's
 * Chinese names, e.g. 3分钟人工回复率), and JD's backend keys (rules-2026.md "JD 店铺星级", e.g.
 * Vane_ResponseSpeed). A name two items share is left out (it would be ambiguous).
 */
const JD_BACKEND_KEYS: Record<string, string> = {
  Vane_ResponseSpeed: "dongdong_response",
  Vane_SdExpressRate: "same_day_pickup_rate",
  Vane_WaybillDelivery: "waybill_on_time_rate",
  Vane_OnTime: "reserved_on_time_ship_rate",
  Vane_ShipDelvReturn: "ship_logistics_return_rate",
  Vane_PromiseLate: "late_ship_48h",
  Vane_CheckProcDuration: "aftersale_duration",
  Vane_IntervOrigin: "intervention_rate",
  Vane_AfsScoreOrigin: "aftersale_review_score",
  Vane_GoodRateOrigin: "shop_review_score",
  Vane_GoodReturn: "quality_return_rate",
};

export function itemAliases(platform: Platform): Record<string, string> {
  const found = new Map<string, Set<string>>();
  const add = (alias: string | undefined, item: string) => {
    if (!alias) return;
    if (!found.has(alias)) found.set(alias, new Set());
    found.get(alias)!.add(item);
  };
  for (const pack of loadRulePacks().values()) {
    if (pack.platform !== platform) continue;
    for (const [name, ind] of Object.entries(pack.score?.indicators ?? {})) add((ind as { title?: string }).title, name);
    for (const [name, dim] of Object.entries(pack.score?.dimensions ?? {})) add((dim as { title?: string }).title, `dimension.${name}`);
    if (pack.score) add((pack.score as { title?: string }).title, "total");
  }
  const out: Record<string, string> = {};
  for (const [alias, items] of found) if (items.size === 1) out[alias] = [...items][0]!;
  if (platform === "jd") Object.assign(out, JD_BACKEND_KEYS);
  return out;
}
