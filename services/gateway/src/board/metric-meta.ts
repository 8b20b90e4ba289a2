import type { ShopOverride } from "@sg/config";
import { durationMs, loadRulePacks } from "@sg/rules";

/**
 * What the board shows beside a metric's value: its name, unit, direction, the line it must hold (threshold)
 * and the merchant's earlier line (target), with the shop's overrides from the configuration applied exactly
 * as the processor applies them (metrics.md "Rule packs": absent = the pack's value, null = none).
 */
export interface MetricMeta {
  title: string;
  kind: string;
  window: string;
  unit: string;
  direction: "min" | "max";
  threshold: number | null;
  target: number | null;
  /** How far ahead of a deadline an item counts as at risk (ms); the board's "urgent". */
  leadTimeMs: number | null;
}

export type ShopOverrides = Record<string, ShopOverride | undefined>;

export function metricMeta(rulePack: string, shopKey: string, overrides: ShopOverrides): Record<string, MetricMeta> {
  const pack = loadRulePacks().get(rulePack);
  if (pack === undefined) return {};
  const shop = overrides[shopKey]?.metrics ?? {};
  const out: Record<string, MetricMeta> = {};
  for (const [name, def] of Object.entries(pack.metrics)) {
    const o = shop[name];
    const lead = o?.leadTime ?? (def.leadTime === undefined ? null : durationMs(def.leadTime));
    out[name] = {
      title: def.title ?? name,
      kind: def.kind,
      window: def.window,
      unit: def.unit,
      direction: def.direction,
      threshold: o?.threshold === undefined ? def.threshold : o.threshold,
      target: o?.target === undefined ? def.target : o.target,
      leadTimeMs: lead,
    };
  }
  return out;
}
