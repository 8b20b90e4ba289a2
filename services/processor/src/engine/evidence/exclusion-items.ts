import { shanghaiDayOf, toShanghaiIso, type EvidenceItem, type ExclusionReason } from "@sg/events";
import type { MetricDef } from "@sg/rules";
import { ownerOf, sessionKind, sessionMoment, standing, type ExclusionRec } from "../incremental/exclusions.js";
import type { RawItem } from "./item.js";

/**
 * The evidence API's view of appeals and exemptions (docs/exclusions.md 5): an item its entity's approved
 * exclusion takes out of the metric is listed under `excluded`, counting nothing, with `leftOut` and why
 * ("appeal approved 2026-03-09, reason: appeal; was bad"); an item a pending exclusion names keeps its outcome
 * and carries `pendingExclusion`. The same exclusions as the engine's contributions (exclusions.ts).
 */

const REASON: Record<ExclusionReason, { en: string; zh: string }> = {
  appeal: { en: "appeal", zh: "申诉" },
  malicious_consumer: { en: "malicious consumer", zh: "恶意用户" },
  late_shipment_filing: { en: "late-shipment filing", zh: "延迟发货报备" },
  platform_announcement: { en: "platform announcement", zh: "平台公告" },
};
const OUTCOME_ZH: Record<RawItem["outcome"], string> = { bad: "不合格", good: "合格", pending: "待定", excluded: "剔除" };

type Mark = { x: ExclusionRec; at: number; reason: ExclusionReason };

/**
 * The exclusions standing for `name` that reach an item: the entity's own (order, after-sale, consumer scope),
 * and for a session-like item (exclusions.ts sessionKind) its consumer's session exclusions naming the moment
 * it opened; the approved one decided first, else the pending one requested first.
 */
function marksOf(key: string, list: readonly ExclusionRec[], name: string, def: MetricDef, it: RawItem) {
  let approved: Mark | undefined;
  let pending: Mark | undefined;
  const own = ownerOf(def) === key[0];
  const moment = key[0] === "c" && sessionKind(def) && it.scope === "session" ? it.at : undefined;
  for (const x of list) {
    if (x.scope === "session" ? moment === undefined || sessionMoment(x.itemId) !== moment : !own) continue;
    const s = standing(x);
    if (s.metrics !== undefined && !s.metrics.includes(name)) continue;
    const m = { x, at: s.at, reason: s.reason };
    if (s.state === "approved" && (!approved || s.at < approved.at)) approved = m;
    if (s.state === "pending" && (!pending || s.at < pending.at)) pending = m;
  }
  return { approved, pending };
}

/** The entity's items for metric `name` with its exclusions marked. */
export function withExclusionMarks(
  key: string,
  list: readonly ExclusionRec[] | undefined,
  name: string,
  def: MetricDef,
  items: RawItem[],
): RawItem[] {
  if (!list || list.length === 0 || items.length === 0) return items;
  return items.map((it) => {
    const { approved, pending } = marksOf(key, list, name, def, it);
    if (approved) {
      // An item a calendar entry left out already keeps that reason (calendar-evidence.ts runs first).
      if (it.outcome === "excluded") return it;
      const day = shanghaiDayOf(approved.at);
      const r = REASON[approved.reason];
      return {
        ...it,
        outcome: "excluded",
        moments: [...it.moments, { name: "exclusion_approved", at: approved.at }],
        why: {
          en: `${r.en} approved ${day}${approved.x.exclusionId ? ` (${approved.x.exclusionId})` : ""}; was ${it.outcome}`,
          "zh-CN": `${r.zh}已通过 ${day}${approved.x.exclusionId ? `（${approved.x.exclusionId}）` : ""}；原为${OUTCOME_ZH[it.outcome]}`,
        },
        n: 0,
        d: 0,
        leftOut: {
          by: "exclusion",
          reason: approved.reason,
          at: approved.at,
          ...(approved.x.exclusionId ? { exclusionId: approved.x.exclusionId } : {}),
        },
      };
    }
    if (pending)
      return {
        ...it,
        pendingExclusion: {
          reason: pending.reason,
          at: pending.at,
          ...(pending.x.exclusionId ? { exclusionId: pending.x.exclusionId } : {}),
        },
      };
    return it;
  });
}

/** An item's `leftOut` (by an exclusion) and `pendingExclusion` as the evidence API writes them. */
export function exclusionFields(it: RawItem): Pick<EvidenceItem, "leftOut" | "pendingExclusion"> {
  const out: Pick<EvidenceItem, "leftOut" | "pendingExclusion"> = {};
  if (it.leftOut?.by === "exclusion") {
    const { reason, exclusionId, at } = it.leftOut;
    out.leftOut = { by: "exclusion", reason, ...(exclusionId === undefined ? {} : { exclusionId }), decidedAt: toShanghaiIso(at) };
  }
  if (it.pendingExclusion) {
    const { reason, exclusionId, at } = it.pendingExclusion;
    out.pendingExclusion = { reason, ...(exclusionId === undefined ? {} : { exclusionId }), requestedAt: toShanghaiIso(at) };
  }
  return out;
}
