import { alertSlot, parseAlertSlot, toShanghaiIso, type AlertRecord } from "@sg/events";
import type { ShopEvaluation } from "../engine/index.js";
import { scoreAlertRecord } from "../scores/alerts.js";

interface StoredAlert {
  status: "firing" | "resolved";
  severity: "warning" | "critical";
  seq: number;
}

/**
 * The `seq` of an identity's next state change: the evaluation clock in ms, or one more than the stored seq
 * when that is already as high (two changes within one ms, or a clock that stepped back).
 *
 * Why the clock and not a counter from 1: if Redis loses the stored alert states (a crash past the last
 * fsync, a flush, a rebuild into empty state), a counter would start again at 1 and two different records
 * would both say "firing, seq 1", which the notifier's seq dedup (alerts.md) takes for one redelivery. A seq
 * from the clock is above every seq issued before the loss (each was at most its own evaluation time, plus one
 * per change in the same ms), so identities never reuse a seq and a stale record still compares lower.
 */
export function nextSeq(prevSeq: number | undefined, nowMs: number): number {
  return Math.max((prevSeq ?? 0) + 1, Math.floor(nowMs));
}

/**
 * Compares the alerts an evaluation says are firing with the shop's stored alert states and returns the
 * state changes to publish (metrics.md "Alerts": fires / resolves), and the new stored states.
 * Re-sending the same state changes nothing; every change increases the identity's `seq` (see `nextSeq`).
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
      next = { status: "firing", severity: now.severity, seq: nextSeq(prev?.seq, nowMs) };
    } else if (!now && prev?.status === "firing") {
      next = { status: "resolved", severity: prev.severity, seq: nextSeq(prev.seq, nowMs) };
    }
    if (!next) continue;
    states[id] = JSON.stringify(next);
    const slot = parseAlertSlot(id);
    if (slot === null) continue;
    const { metric, kind } = slot;
    if (kind === "score") {
      const base = { platform, shopId, status: next.status, severity: next.severity, at: toShanghaiIso(nowMs), seq: next.seq, rulePack };
      const rec = scoreAlertRecord(base, metric, now, ev.snapshot.scores);
      if (rec) records.push(rec);
      continue;
    }
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
