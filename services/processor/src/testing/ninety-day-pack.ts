import { loadRulePacks, parseRulePack, type RulePack } from "@sg/rules";

/**
 * The shipped packs and one more: a Douyin pack in force from 2099 whose product rating has a 90-day
 * window, so Douyin's retention is 92 days and the other platforms' stays 32 (no shipped active pack has one).
 */
export function packsWithNinetyDayWindow(): Map<string, RulePack> {
  const packs = new Map(loadRulePacks());
  const json = structuredClone(packs.get("douyin@2026-05")!) as unknown as {
    id: string;
    effective: string;
    metrics: Record<string, { window: string }>;
  };
  json.id = "douyin@2099-01";
  json.effective = "2099-01-01";
  json.metrics.product_rating!.window = "90d";
  packs.set(json.id, parseRulePack(json));
  return packs;
}
