// The board's state: one entry per shop, built from the stream's `snapshot` messages and kept current by its
// `change` messages (services/gateway/src/board/snapshot-diff.ts). Pure: no DOM, so it is unit-tested in Node.

/** How many recent transitions a shop keeps (the server sends at most as many with a snapshot). */
export const KEEP_TRANSITIONS = 30;

export const dueKey = (d) => `${d.metric}|${d.item}|${d.id}`;
export const alertKey = (a) => `${a.metric}|${a.kind}`;

export function createModel() {
  return { shops: new Map() };
}

/** A shop's whole snapshot: the first message for it on each connection. */
export function applySnapshot(model, msg) {
  const snapshot = { ...msg.snapshot, due: [...msg.snapshot.due].sort(byDeadline) };
  model.shops.set(msg.shop, {
    key: msg.shop,
    snapshot,
    meta: msg.meta ?? {},
    transitions: [...(msg.transitions ?? [])],
    // The latest reconciliation with the platform's figures: null before any report, undefined when not sent.
    reconciliation: msg.reconciliation,
    // The last 30 days' end-of-day values (the tiles' lines): null before any day is kept, undefined when not sent.
    history: msg.history,
  });
}

/** A shop's new reconciliation summary. Returns false for a shop the board does not hold (it is ignored). */
export function applyReconciliation(model, msg) {
  const shop = model.shops.get(msg.shop);
  if (shop === undefined) return false;
  shop.reconciliation = msg.reconciliation;
  return true;
}

/** A shop's daily history gained or settled a day. Returns false for a shop the board does not hold. */
export function applyHistory(model, msg) {
  const shop = model.shops.get(msg.shop);
  if (shop === undefined) return false;
  shop.history = msg.history;
  return true;
}

/**
 * Applies one change. Returns false when it does not follow the version held (a message was missed): the
 * caller then reconnects, and the server starts again from whole snapshots.
 */
export function applyChange(model, c) {
  const shop = model.shops.get(c.shop);
  if (shop === undefined || shop.snapshot.version !== c.from) return false;
  const s = shop.snapshot;
  s.version = c.version;
  s.asOf = c.asOf;
  s.asOfMs = c.asOfMs;
  if (c.rulePack !== undefined) s.rulePack = c.rulePack;
  if (c.metrics !== undefined) s.metrics = { ...s.metrics, ...c.metrics };
  if (c.removedMetrics !== undefined) {
    s.metrics = { ...s.metrics };
    for (const m of c.removedMetrics) delete s.metrics[m];
  }
  if (c.due !== undefined) {
    const gone = new Set([...c.due.remove, ...c.due.upsert.map(dueKey)]);
    s.due = [...s.due.filter((d) => !gone.has(dueKey(d))), ...c.due.upsert].sort(byDeadline);
  }
  if (c.alerts !== undefined) {
    const gone = new Set([...c.alerts.resolved, ...c.alerts.firing.map(alertKey)]);
    s.alerts = [...s.alerts.filter((a) => !gone.has(alertKey(a))), ...c.alerts.firing];
  }
  if (c.scores === null) delete s.scores;
  else if (c.scores !== undefined) s.scores = c.scores;
  if (c.pendingExclusions === null) delete s.pendingExclusions;
  else if (c.pendingExclusions !== undefined) s.pendingExclusions = c.pendingExclusions;
  if (c.transitions !== undefined) shop.transitions = [...[...c.transitions].reverse(), ...shop.transitions].slice(0, KEEP_TRANSITIONS);
  return true;
}

function byDeadline(a, b) {
  return a.deadline - b.deadline || dueKey(a).localeCompare(dueKey(b));
}
