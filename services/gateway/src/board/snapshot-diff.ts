import type { DueItem, FiringAlert, MetricOutput, PendingExclusion, ShopScores, StoredSnapshot } from "@sg/events";

/**
 * What changed between two snapshots of one shop: the board's stream sends this instead of the whole
 * snapshot. Pure; the client applies it to the snapshot it holds (static/model.js), and checks
 * `from` against its own version, so a missed change makes it resynchronise instead of drifting.
 */
export interface SnapshotChange {
  /** `platform:shopId`. */
  shop: string;
  version: number;
  /** The version this change applies to. */
  from: number;
  asOf: string;
  asOfMs: number;
  rulePack?: string;
  /** Metrics whose output changed, whole (a metric's output is a handful of numbers). */
  metrics?: Record<string, MetricOutput>;
  removedMetrics?: string[];
  /** Pending items added or whose deadline moved, and keys (`dueKey`) of those that left. */
  due?: { upsert: DueItem[]; remove: string[] };
  /** Alerts that started firing or changed, and keys (`alertKey`) of those that stopped. */
  alerts?: { firing: FiringAlert[]; resolved: string[] };
  transitions?: Transition[];
  /** The shop's score, whole, when it changed; null when the snapshot no longer has one. */
  scores?: ShopScores | null;
  /** The pending exclusions, whole, when they changed; null when none is pending any more (docs/exclusions.md). */
  pendingExclusions?: PendingExclusion[] | null;
}

/** A metric's status change, or an alert starting or stopping, as the board lists them ("recent transitions"). */
export interface Transition {
  /** The evaluation time of the snapshot that showed it (epoch ms). */
  at: number;
  metric: string;
  what: "status" | "alert_firing" | "alert_resolved";
  from?: string;
  to?: string;
  alertKind?: string;
  severity?: string;
}

export const dueKey = (d: Pick<DueItem, "metric" | "item" | "id">): string => `${d.metric}|${d.item}|${d.id}`;
export const alertKey = (a: Pick<FiringAlert, "metric" | "kind">): string => `${a.metric}|${a.kind}`;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The change from `prev` to `next`, or null when nothing a reader sees changed (only the version or time moved). */
export function diffSnapshots(shop: string, prev: StoredSnapshot, next: StoredSnapshot): SnapshotChange {
  const change: SnapshotChange = { shop, version: next.version, from: prev.version, asOf: next.asOf, asOfMs: next.asOfMs };
  if (prev.rulePack !== next.rulePack) change.rulePack = next.rulePack;

  const metrics: Record<string, MetricOutput> = {};
  for (const [name, out] of Object.entries(next.metrics)) if (!same(prev.metrics[name], out)) metrics[name] = out;
  if (Object.keys(metrics).length > 0) change.metrics = metrics;
  const removedMetrics = Object.keys(prev.metrics).filter((m) => !(m in next.metrics));
  if (removedMetrics.length > 0) change.removedMetrics = removedMetrics;

  const before = new Map(prev.due.map((d) => [dueKey(d), d]));
  const after = new Set<string>();
  const upsert: DueItem[] = [];
  for (const d of next.due) {
    const k = dueKey(d);
    after.add(k);
    if (before.get(k)?.deadline !== d.deadline) upsert.push(d);
  }
  const remove = [...before.keys()].filter((k) => !after.has(k));
  if (upsert.length > 0 || remove.length > 0) change.due = { upsert, remove };

  const firingBefore = new Map(prev.alerts.map((a) => [alertKey(a), a]));
  const firingNow = new Set<string>();
  const firing: FiringAlert[] = [];
  const transitions: Transition[] = [];
  for (const a of next.alerts) {
    const k = alertKey(a);
    firingNow.add(k);
    const was = firingBefore.get(k);
    if (was === undefined)
      transitions.push({ at: next.asOfMs, metric: a.metric, what: "alert_firing", alertKind: a.kind, severity: a.severity });
    if (!same(was, a)) firing.push(a);
  }
  const resolved = [...firingBefore.values()].filter((a) => !firingNow.has(alertKey(a)));
  for (const a of resolved)
    transitions.push({ at: next.asOfMs, metric: a.metric, what: "alert_resolved", alertKind: a.kind, severity: a.severity });
  if (firing.length > 0 || resolved.length > 0) change.alerts = { firing, resolved: resolved.map(alertKey) };

  for (const [name, out] of Object.entries(next.metrics)) {
    const was = prev.metrics[name]?.status;
    if (was !== undefined && was !== out.status)
      transitions.push({ at: next.asOfMs, metric: name, what: "status", from: was, to: out.status });
  }
  if (transitions.length > 0) change.transitions = transitions;
  if (!same(prev.scores, next.scores)) change.scores = next.scores ?? null;
  if (!same(prev.pendingExclusions, next.pendingExclusions)) change.pendingExclusions = next.pendingExclusions ?? null;
  return change;
}

/** True when the change carries something beyond the version and evaluation time. */
export function isEmptyChange(c: SnapshotChange): boolean {
  return (
    c.rulePack === undefined &&
    c.metrics === undefined &&
    c.removedMetrics === undefined &&
    c.due === undefined &&
    c.alerts === undefined &&
    c.scores === undefined &&
    c.pendingExclusions === undefined
  );
}
