import { toMillis, type CanonicalEvent, type Platform } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopEvaluation } from "../engine/evaluate.js";
import { longestWindowDays } from "../engine/incremental/accounting.js";
import { computeDelta } from "../engine/incremental/delta.js";
import { evaluateAggregates, type ShopAggregates } from "../engine/incremental/measure.js";
import type { ShopOverrides } from "../engine/types.js";
import { retentionFor } from "../retention.js";

/**
 * Engine v2 without Redis, for unit tests: every event folded into its entity's record in one pass, each
 * entity's contribution at `asOf` summed into day aggregates, and the shop evaluated from them (the same
 * computeDelta and evaluateAggregates the store runs, with the store's Lua replaced by maps). Test code only.
 */
export function evaluateV2InMemory(input: {
  platform: Platform;
  shopId: string;
  events: readonly CanonicalEvent[];
  asOf: number;
  pack: RulePack;
  shop?: ShopOverrides;
  /** Days of chat facts kept (accounting.ts `chatKeepDays`). */
  chatKeepDays?: number;
}): ShopEvaluation {
  const seen = new Set<string>();
  const events = input.events
    .filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)))
    .map((event) => ({ event, atMs: toMillis(event.at) }))
    .filter((e) => e.atMs <= input.asOf);
  // Records are kept as the pack's longest window needs (retention.ts), as the store keeps them.
  const { closedKeepMs } = retentionFor(longestWindowDays([input.pack]));
  const delta = computeDelta(input.pack, new Map(), events, input.asOf, [], input.chatKeepDays ?? 90, closedKeepMs, input.shop?.calendar);
  const agg: ShopAggregates = { days: new Map(), cur: {}, pending: [], nextTimer: undefined };
  for (const [day, fields] of delta.agg) agg.days.set(day, Object.fromEntries([...fields].map(([f, v]) => [f, String(v)])));
  for (const [f, v] of delta.cur) agg.cur[f] = String(v);
  for (const [m, deadline] of delta.pendAdd) {
    const [metric, day, extra] = m.split("|");
    const key = m.slice(metric!.length + day!.length + extra!.length + 3);
    agg.pending.push({ metric: Number(metric), day: day === "-" ? undefined : Number(day), key, deadline, extra: extra! });
  }
  for (const t of delta.timers.values()) if (t !== null && (agg.nextTimer === undefined || t < agg.nextTimer)) agg.nextTimer = t;
  return evaluateAggregates(
    { platform: input.platform, shopId: input.shopId, asOf: input.asOf, shop: input.shop ?? {}, pack: input.pack },
    agg,
  );
}
