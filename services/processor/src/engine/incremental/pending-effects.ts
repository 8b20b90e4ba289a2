import { toShanghaiIso, type ExclusionReason, type ExclusionScope, type PendingExclusion } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopCalendar } from "../calendar-entries.js";
import type { ShopEvaluation } from "../evaluate.js";
import { contribution, type Contribution } from "./contrib.js";
import type { StoredRecord } from "./codec.js";
import { identityOf, reaches, type ExclusionRec } from "./exclusions.js";
import type { ShopAggregates } from "./measure.js";
import type { ItemRec } from "./records.js";
import { parsePending } from "./step.js";

/**
 * The snapshot's `pendingExclusions` in engine v2 (docs/exclusions.md 4): each exclusion requested and not
 * decided, with its effect, the values of the metrics it reaches should this one alone be approved. An entity
 * with a pending exclusion lists it in `cur` (`px|…`, exclusions.ts); the evaluation loads those entities'
 * records (ShopAggregates.appealed) and evaluates, per exclusion, the aggregates less the entity's contribution
 * plus its contribution with that exclusion approved. At most PENDING_LISTED, soonest requested first.
 */
export const PENDING_LISTED = 20;

export interface PendingEntry {
  entity: string;
  scope: ExclusionScope;
  itemId: string;
  consumerId?: string;
  exclusionId?: string;
  reason: ExclusionReason;
  requestedAt: number;
}

/** The `cur` key listing one pending exclusion of an entity. */
export function pendingKey(entity: string, x: ExclusionRec, reason: ExclusionReason, requestedAt: number): string {
  return `px|${JSON.stringify([entity, x.scope, x.itemId, x.consumerId ?? null, x.exclusionId ?? null, reason, requestedAt])}`;
}

/** The pending exclusions `cur` lists, soonest requested first (then by identity). */
export function pendingEntries(cur: Record<string, string>): PendingEntry[] {
  const out: PendingEntry[] = [];
  // for...in, not Object.entries: every evaluation reads these, and `cur` holds a few hundred fields.
  for (const k in cur) {
    if (!k.startsWith("px|") || Number(cur[k]) <= 0) continue;
    const [entity, scope, itemId, consumerId, exclusionId, reason, requestedAt] = JSON.parse(k.slice(3)) as [
      string,
      ExclusionScope,
      string,
      string | null,
      string | null,
      ExclusionReason,
      number,
    ];
    const e: PendingEntry = { entity, scope, itemId, reason, requestedAt };
    if (consumerId !== null) e.consumerId = consumerId;
    if (exclusionId !== null) e.exclusionId = exclusionId;
    out.push(e);
  }
  return out.sort((a, b) => a.requestedAt - b.requestedAt || (identityOf(a) < identityOf(b) ? -1 : identityOf(a) > identityOf(b) ? 1 : 0));
}

/** The aggregates with one entity's contribution `old` replaced by `next` (the days read, `now` amounts, pending items). */
function replaced(a: ShopAggregates, old: Contribution, next: Contribution): ShopAggregates {
  const days = new Map<number, Record<string, string>>();
  for (const [d, f] of a.days) days.set(d, { ...f });
  const cur: Record<string, string> = { ...a.cur };
  const bump = (h: Record<string, string>, k: string, v: number) => (h[k] = String(Number(h[k] ?? 0) + v));
  for (const [sign, c] of [
    [-1, old],
    [1, next],
  ] as const) {
    for (const [k, v] of c.agg) {
      const bar = k.indexOf("|");
      const day = days.get(Number(k.slice(0, bar)));
      if (day) bump(day, k.slice(bar + 1), sign * v);
    }
    for (const [k, v] of c.cur) bump(cur, k, sign * v);
  }
  const gone = new Set(old.pend.keys());
  const pending = a.pending.filter((p) => !gone.has(memberOf(p)));
  for (const [m, t] of next.pend) pending.push(parsePending(m, t));
  return { ...a, days, cur, pending };
}

/** A pending item's stored member (contrib.ts `pend`), as parsePending read it. */
function memberOf(p: ShopAggregates["pending"][number]): string {
  return `${p.appealed ? "!" : ""}${p.metric}|${p.day ?? "-"}|${p.extra ?? ""}|${p.key}`;
}

/** Every listed pending exclusion with its effect; `evaluate` evaluates aggregates without effects of their own. */
export function pendingExclusions(
  ev: ShopEvaluation,
  a: ShopAggregates,
  pack: RulePack,
  evaluate: (a: ShopAggregates) => ShopEvaluation,
  /** The shop's calendar: its deadline extensions and excluded regions decide items here as in every contribution. */
  cal?: ShopCalendar,
): PendingExclusion[] | undefined {
  const appealed = a.appealed;
  if (!appealed) return undefined;
  const entries = pendingEntries(a.cur).slice(0, PENDING_LISTED);
  if (entries.length === 0) return undefined;
  const out: PendingExclusion[] = [];
  for (const e of entries) {
    const stored: StoredRecord | undefined = appealed.records.get(e.entity);
    if (!stored) continue;
    // Pending exclusions name orders, after-sales and consumers, never score records.
    const rec = stored.rec as ItemRec;
    const id = identityOf(e);
    const approve = (x: ExclusionRec): ExclusionRec =>
      identityOf(x) !== id
        ? x
        : {
            ...x,
            decision: {
              at: Number.MAX_SAFE_INTEGER,
              id: "",
              decision: "approved",
              reason: e.reason,
              ...(x.request?.metrics ? { metrics: x.request.metrics } : {}),
            },
          };
    const old = contribution(e.entity, rec, appealed.pack, stored.calcAt, cal);
    const next = contribution(e.entity, { ...rec, excl: (rec.excl ?? []).map(approve) }, appealed.pack, stored.calcAt, cal);
    const then = evaluate(replaced(a, old, next));
    const metrics = (rec.excl ?? []).find((x) => identityOf(x) === id)?.request?.metrics;
    const effect: Record<string, number | null> = {};
    for (const [name, def] of Object.entries(pack.metrics)) {
      if (!reaches(e.scope, def, e.entity[0]!) || (metrics !== undefined && !metrics.includes(name))) continue;
      effect[name] = then.snapshot.metrics[name]?.value ?? null;
    }
    const p: PendingExclusion = { scope: e.scope, itemId: e.itemId, reason: e.reason, requestedAt: toShanghaiIso(e.requestedAt), effect };
    if (e.consumerId !== undefined) p.consumerId = e.consumerId;
    if (e.exclusionId !== undefined) p.exclusionId = e.exclusionId;
    if (ev.snapshot.scores) p.scoreIfApproved = then.snapshot.scores?.total ?? null;
    out.push(p);
  }
  return out.length > 0 ? out : undefined;
}

/** `ShopAggregates.appealed` from the records `read` returns for the entities `cur` lists (none without a store pack). */
export function appealedOf(
  cur: Record<string, string>,
  read: (keys: string[]) => ReadonlyMap<string, StoredRecord>,
  store: RulePack | undefined,
): Pick<ShopAggregates, "appealed"> {
  if (!store) return {};
  const keys = [
    ...new Set(
      pendingEntries(cur)
        .slice(0, PENDING_LISTED)
        .map((e) => e.entity),
    ),
  ];
  return keys.length === 0 ? {} : { appealed: { records: read(keys), pack: store } };
}
