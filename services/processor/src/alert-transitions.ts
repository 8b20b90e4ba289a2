import { alertSlot, parseAlertSlot, toShanghaiIso, type AlertRecord } from "@sg/events";
import type { ShopEvaluation } from "./engine/index.js";

interface StoredAlert {
  status: "firing" | "resolved";
  severity: "warning" | "critical";
  seq: number;
}

/**
 * Compares the alerts an evaluation says are firing with the shop's stored alert states and returns the
 * state changes to publish (metrics.md "Alerts": fires / resolves), and the new stored states.
 * Re-sending the same state changes nothing; every change increases the identity's `seq`.
 */
export function alertTransitions(
  ev: ShopEvaluation,
  stored: Record<string, string>,
  nowMs: number,
): { records: AlertRecord[]; states: Record<string, string> } {
  const { platform, shopId, rulePack } = ev.snapshot;
  const byMetric = new Map(ev.states.map((s) => [s.name, s]));
  // Stored per shop, so the field is the identity within the shop, `alertSlot` (`metric:kind`).
  const firing = new Map(ev.snapshot.alerts.map((a) => [alertSlot(a), a]));
  const records: AlertRecord[] = [];
  const states: Record<string, string> = {};
  const identities = new Set([...Object.keys(stored), ...firing.keys()]);
  for (const id of identities) {
    const prev = stored[id] ? (JSON.parse(stored[id]) as StoredAlert) : undefined;
    const now = firing.get(id);
    let next: StoredAlert | undefined;
    if (now && (prev?.status !== "firing" || prev.severity !== now.severity)) {
      next = { status: "firing", severity: now.severity, seq: (prev?.seq ?? 0) + 1 };
    } else if (!now && prev?.status === "firing") {
      next = { status: "resolved", severity: prev.severity, seq: prev.seq + 1 };
    }
    if (!next) continue;
    states[id] = JSON.stringify(next);
    const slot = parseAlertSlot(id);
    if (slot === null) continue;
    const { metric, kind } = slot;
    const m = byMetric.get(metric);
    if (!m) continue;
    const rec: AlertRecord = {
      platform,
      shopId,
      metric,
      kind,
      status: next.status,
      severity: next.severity,
      at: toShanghaiIso(nowMs),
      seq: next.seq,
      rulePack,
      direction: m.def.direction,
      unit: m.def.unit,
      value: m.output.value,
      threshold: m.limits.threshold,
      target: m.limits.target,
    };
    if (m.output.numerator !== undefined) rec.numerator = m.output.numerator;
    if (m.output.denominator !== undefined) rec.denominator = m.output.denominator;
    if (m.output.headroom !== undefined) rec.headroom = m.output.headroom;
    if (m.output.pending !== undefined) rec.pending = m.output.pending;
    if (kind === "at_risk" && m.measured.due) {
      rec.dueCount = m.measured.due.count;
      rec.soonestDeadline = toShanghaiIso(m.measured.due.soonest);
      rec.projectedValue = m.measured.due.projected;
    }
    records.push(rec);
  }
  return { records, states };
}
