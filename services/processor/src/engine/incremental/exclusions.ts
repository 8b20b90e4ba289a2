import type { CanonicalEvent, ExclusionDecision, ExclusionReason, ExclusionScope } from "@sg/events";
import { selectablePacks, type MetricDef, type RulePack } from "@sg/rules";
import { accountingFor } from "./accounting.js";
import type { Contribution } from "./contrib.js";
import { pendingKey } from "./pending-effects.js";

/**
 * Exclusions in engine v2 (docs/exclusions.md "What the engine must do"): each entity record keeps the
 * exclusions naming it (`excl`), folded so that any arrival order and any duplicate give the same list, and an
 * entity's contribution is rewritten by them:
 *
 * - approved for a metric: the item's amounts move from `<day>|<metric>|<field>` to `<day>|<metric>|x<field>`
 *   (no metric reads those, except a metric whose exclusions leave the numerator only: its denominator adds
 *   `xd`, measure.ts), and its pending items and `now` amounts of that metric go;
 * - pending (requested, no decision) for a metric: the amounts stay, and are also added under `p<field>`,
 *   the amounts that would move should every pending exclusion be approved (`ifApproved`, if-approved.ts);
 *   its pending items of that metric are marked in `pend` by a `!` before the metric (parsePending reads it);
 * - rejected: nothing.
 *
 * The exclusion covers the items counted from its entity's record: an order's (every order metric,
 * including those that read its after-sales: 品退 by the first request, in-transit refunds), an after-sale's
 * own flow, a consumer's chat and ratings. A session-scoped exclusion (filed in its consumer's record) covers
 * the consumer's session-like items opened at the moment its item id names (sessionKind, sessionMoment): a
 * wait, a JD session, a rating card; contrib.ts hands over each such item's own amounts (SessionParts) so
 * they are routed alone. An item both scopes reach is approved when either approves it, else pending when
 * either is pending.
 */

export interface ExclusionRec {
  scope: ExclusionScope;
  itemId: string;
  consumerId?: string;
  exclusionId?: string;
  /** The first request by (at, id). */
  request?: { at: number; id: string; reason: ExclusionReason; metrics?: string[] };
  /** The latest decision by (at, id). */
  decision?: { at: number; id: string; decision: ExclusionDecision; reason: ExclusionReason; metrics?: string[] };
}

export type ExclusionEvent = Extract<CanonicalEvent, { type: "exclusion.requested" | "exclusion.decided" }>;

/** An exclusion's identity (docs/exclusions.md 1): scope, item, consumer, the platform's number. */
export function identityOf(x: {
  scope: string;
  itemId: string;
  consumerId?: string | undefined;
  exclusionId?: string | undefined;
}): string {
  return `${x.scope}\u0000${x.itemId}\u0000${x.consumerId ?? ""}\u0000${x.exclusionId ?? ""}`;
}

const before = (a: { at: number; id: string }, b: { at: number; id: string } | undefined) =>
  b === undefined || a.at < b.at || (a.at === b.at && a.id < b.id);

/** Folds an exclusion event into a record's list (sorted by identity; a new list, the old one unchanged). */
export function foldExclusion(list: readonly ExclusionRec[] | undefined, e: ExclusionEvent, at: number): ExclusionRec[] {
  const id = identityOf(e);
  const out = [...(list ?? [])];
  let i = out.findIndex((x) => identityOf(x) === id);
  if (i === -1) {
    const x: ExclusionRec = { scope: e.scope, itemId: e.itemId };
    if (e.consumerId !== undefined) x.consumerId = e.consumerId;
    if (e.exclusionId !== undefined) x.exclusionId = e.exclusionId;
    out.push(x);
    out.sort((a, b) => (identityOf(a) < identityOf(b) ? -1 : 1));
    i = out.findIndex((x) => identityOf(x) === id);
  }
  const x = { ...out[i]! };
  if (e.type === "exclusion.requested") {
    if (before({ at, id: e.id }, x.request)) {
      x.request = { at, id: e.id, reason: e.reason };
      if (e.metrics !== undefined) x.request.metrics = [...e.metrics];
    }
  } else if (x.decision === undefined || before(x.decision, { at, id: e.id })) {
    x.decision = { at, id: e.id, decision: e.decision, reason: e.reason };
    if (e.metrics !== undefined) x.decision.metrics = [...e.metrics];
  }
  out[i] = x;
  return out;
}

export interface Standing {
  state: "approved" | "rejected" | "pending";
  reason: ExclusionReason;
  /** Absent: every metric. */
  metrics?: string[];
  /** The decision's time, or the request's while pending. */
  at: number;
}

/** What an exclusion stands at: its latest decision, or pending on its request's fields. */
export function standing(x: ExclusionRec): Standing {
  const s = x.decision
    ? { state: x.decision.decision, reason: x.decision.reason, metrics: x.decision.metrics, at: x.decision.at }
    : { state: "pending" as const, reason: x.request!.reason, metrics: x.request!.metrics, at: x.request!.at };
  const out: Standing = { state: s.state, reason: s.reason, at: s.at };
  if (s.metrics !== undefined) out.metrics = s.metrics;
  return out;
}

/** Scopes this engine applies: every scope (a session through its consumer's record). */
const APPLIED: ReadonlySet<ExclusionScope> = new Set(["order", "aftersale", "consumer", "session"]);

/**
 * The kinds whose items are sessions (docs/exclusions.md "Sessions"): a wait of `avg_response_seconds`, a JD
 * session of `first_response_sessions`, a rating card of `rating_share` and `rating_score_mean`, each named by
 * the moment it opened. A consumer-day, a buyer, an imputed round and JD's bad-rating count are reached by a
 * consumer exclusion only.
 */
export function sessionKind(def: MetricDef): boolean {
  return (
    def.kind === "avg_response_seconds" ||
    def.kind === "first_response_sessions" ||
    def.kind === "rating_share" ||
    def.kind === "rating_score_mean"
  );
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The moment a session exclusion's item id names (epoch ms): the evidence API's session id, an ISO-8601
 * instant with its offset (`2026-03-09T10:00:05+08:00`; the same instant written otherwise names the same
 * session). Undefined for anything else: such an exclusion is kept and reaches no item.
 */
export function sessionMoment(itemId: string): number | undefined {
  if (!ISO_INSTANT.test(itemId)) return undefined;
  const ms = Date.parse(itemId);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Whether an exclusion of `scope` reaches the items of a metric of `def` counted from an entity of kind `entity` (o, a, c). */
export function reaches(scope: ExclusionScope, def: MetricDef, entity: string): boolean {
  return scope === "session" ? entity === "c" && sessionKind(def) : ownerOf(def) === entity;
}

/**
 * The names each slot of a pack answers to: its own name (an accounting pack's `name__slot` without the
 * suffix), and, for the platform's accounting pack, every selectable pack's name for it.
 */
const slotNames = new WeakMap<RulePack, string[][]>();
function namesOf(pack: RulePack): string[][] {
  let names = slotNames.get(pack);
  if (names) return names;
  names = Object.keys(pack.metrics).map((n) => [n.replace(/__\d+$/, "")]);
  const acc = accountingFor(pack.platform);
  if (acc.pack.id === pack.id) {
    for (const p of selectablePacks(pack.platform)) {
      for (const [name, slot] of acc.slotsOf(p)) if (names[slot] && !names[slot].includes(name)) names[slot].push(name);
    }
  }
  slotNames.set(pack, names);
  return names;
}

/** The slots an exclusion standing covers. */
function slotsCovered(pack: RulePack, s: Standing): number[] {
  const names = namesOf(pack);
  const out: number[] = [];
  for (let i = 0; i < names.length; i++) if (s.metrics === undefined || names[i]!.some((n) => s.metrics!.includes(n))) out.push(i);
  return out;
}

/** Whose items a kind counts in engine v2's contributions: the entity an exclusion must name to reach them. */
export function ownerOf(def: MetricDef): "o" | "a" | "c" {
  switch (def.kind) {
    case "aftersale_awaiting_hours":
    case "dispute_rate":
    case "business_time_rate":
    case "ever_state_rate":
    case "overdue_refund_count":
      return "a";
    case "late_clock_mean":
      return def.params.from === "paid" ? "o" : "a";
    case "refund_duration_mean":
      return def.params.from === "requested_in_transit" ? "o" : "a";
    case "reply_consumer_day":
    case "avg_response_seconds":
    case "first_response_sessions":
    case "rating_share":
    case "rating_score_mean":
    case "imputed_response_mean":
    case "buyer_reply_rate":
    case "jd_service_score":
      return "c";
    default:
      return "o";
  }
}

interface Slots {
  approved: Set<number>;
  pending: Set<number>;
  /** Per session moment, the slots its session exclusions approve and hold pending (session-like slots only). */
  sessions: Map<number, { approved: Set<number>; pending: Set<number> }>;
  /** Per slot whose items the entity counts, its pending exclusions naming it (ifApproved's `pending`). */
  pendingCount: Map<number, number>;
  /** The entity's pending exclusions (every scope). */
  pendingAll: number;
  /** Their `cur` keys (pending-effects.ts). */
  listed: string[];
}

/** The approved and pending slots of an entity's exclusions (approved wins where both name a slot). */
export function excludedSlots(key: string, pack: RulePack, list: readonly ExclusionRec[] | undefined): Slots {
  const out: Slots = { approved: new Set(), pending: new Set(), sessions: new Map(), pendingCount: new Map(), pendingAll: 0, listed: [] };
  const defs = Object.values(pack.metrics);
  for (const x of list ?? []) {
    if (!APPLIED.has(x.scope)) continue;
    const s = standing(x);
    if (s.state === "rejected") continue;
    if (s.state === "pending") {
      out.pendingAll++;
      out.listed.push(pendingKey(key, x, s.reason, x.request!.at));
    }
    const moment = x.scope === "session" ? sessionMoment(x.itemId) : undefined;
    for (const i of slotsCovered(pack, s)) {
      const def = defs[i]!;
      if (s.state === "pending" && reaches(x.scope, def, key[0]!)) out.pendingCount.set(i, (out.pendingCount.get(i) ?? 0) + 1);
      if (x.scope !== "session") (s.state === "approved" ? out.approved : out.pending).add(i);
      else if (moment !== undefined && key[0] === "c" && sessionKind(def)) {
        let m = out.sessions.get(moment);
        if (!m) out.sessions.set(moment, (m = { approved: new Set(), pending: new Set() }));
        (s.state === "approved" ? m.approved : m.pending).add(i);
      }
    }
  }
  for (const i of out.approved) out.pending.delete(i);
  for (const m of out.sessions.values()) for (const i of m.approved) m.pending.delete(i);
  return out;
}

/** The amounts and pending items of each session-like item of a consumer's contribution, by the moment it opened (contrib.ts). */
export type SessionParts = Map<number, { agg: Map<string, number>; pend: Set<string> }>;

/** Whether an entity's exclusions include a session-scoped one (contrib.ts then tells its session items apart). */
export function hasSessionExclusion(list: readonly ExclusionRec[] | undefined): boolean {
  return list?.some((x) => x.scope === "session") === true;
}

/**
 * An entity's contribution with its exclusions applied (see above); unchanged when it has none. `parts`: a
 * consumer's session-like items, each routed by its own session exclusions as well as the consumer's.
 */
export function withExclusions(
  key: string,
  pack: RulePack,
  list: readonly ExclusionRec[] | undefined,
  c: Contribution,
  parts?: SessionParts,
): Contribution {
  if (!list || list.length === 0) return c;
  const { approved, pending, sessions, pendingCount, pendingAll, listed } = excludedSlots(key, pack, list);
  if (approved.size === 0 && pending.size === 0 && sessions.size === 0 && pendingAll === 0) return c;
  const out: Contribution = { agg: new Map(), cur: new Map(), pend: new Map(), next: c.next };
  // Counts of pending exclusions (if-approved.ts): per slot whose items this entity counts, and in all.
  for (const [i, n] of pendingCount) out.cur.set(`${i}|pe`, n);
  if (pendingAll > 0) out.cur.set("all|pe", pendingAll);
  for (const k of listed) out.cur.set(k, 1);
  const add = (k: string, v: number) => out.agg.set(k, (out.agg.get(k) ?? 0) + v);
  // The amounts of the sessions an exclusion names, routed alone; the rest by the entity's own exclusions.
  const rest = new Map(c.agg);
  const restPend = new Map(c.pend);
  const routed: { agg: Map<string, number>; pend: Set<string>; approved: Set<number>; pending: Set<number> }[] = [];
  for (const [moment, m] of sessions) {
    const part = parts?.get(moment);
    if (!part) continue;
    for (const [k, v] of part.agg) rest.set(k, rest.get(k)! - v);
    for (const k of part.pend) restPend.delete(k);
    routed.push({ ...part, approved: new Set([...approved, ...m.approved]), pending: new Set([...pending, ...m.pending]) });
  }
  const route = (agg: Map<string, number>, ap: Set<number>, pe: Set<number>) => {
    for (const [k, v] of agg) {
      if (v === 0) continue;
      const [day, metric, field] = k.split("|") as [string, string, string];
      const m = Number(metric);
      if (ap.has(m)) add(`${day}|${metric}|x${field}`, v);
      else {
        add(k, v);
        if (pe.has(m)) add(`${day}|${metric}|p${field}`, v);
      }
    }
  };
  const routePend = (keys: Iterable<string>, ap: Set<number>, pe: Set<number>) => {
    for (const k of keys) {
      const m = Number(k.slice(0, k.indexOf("|")));
      if (ap.has(m)) continue;
      out.pend.set(pe.has(m) ? `!${k}` : k, c.pend.get(k)!);
    }
  };
  route(rest, approved, pending);
  routePend(restPend.keys(), approved, pending);
  for (const r of routed) {
    for (const i of r.approved) r.pending.delete(i);
    route(r.agg, r.approved, r.pending);
    routePend(r.pend, r.approved, r.pending);
  }
  for (const [k, v] of c.cur) {
    const m = Number(k.slice(0, k.indexOf("|")));
    if (approved.has(m)) continue;
    out.cur.set(k, (out.cur.get(k) ?? 0) + v);
    // A `now` amount of a pending exclusion's item: gone should it be approved.
    if (pending.has(m)) out.cur.set(`${k}~p`, v);
  }
  return out;
}

/**
 * An approved exclusion takes the item out of this metric's numerator only (the shop's configuration, else the
 * pack's `exclusionLeaves`; default both): only a ratio whose numerator counts the bad items can say so.
 */
export function leavesNumeratorOnly(def: MetricDef, shop: { exclusionLeaves?: "both" | "numerator" } | undefined): boolean {
  return (shop?.exclusionLeaves ?? def.exclusionLeaves) === "numerator" && def.unit === "ratio" && def.direction === "max";
}
