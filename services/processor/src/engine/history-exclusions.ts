import { toMillis, toShanghaiIso, type CanonicalEvent, type PendingExclusion } from "@sg/events";
import type { MetricDef, RulePack } from "@sg/rules";
import {
  foldExclusion,
  identityOf,
  leavesNumeratorOnly,
  ownerOf,
  reaches,
  sessionKind,
  sessionMoment,
  standing,
  type ExclusionRec,
  type Standing,
} from "./incremental/exclusions.js";
import { PENDING_LISTED } from "./incremental/pending-effects.js";
import type { ShopModel } from "./model.js";
import type { Measured, ShopOverrides } from "./types.js";
import type { ShopEvaluation } from "./evaluate.js";

/**
 * Appeals and exemptions in the full-history engine (evaluate.ts `evaluateShop`), docs/exclusions.md "What the
 * engine must do", over the shop's whole history:
 *
 * - each exclusion folded from its events as engine v2's records fold them (exclusions.ts `foldExclusion`: the
 *   first request and the latest decision by (at, id)), standing approved, rejected or pending;
 * - a metric is measured on the model without the items the approved exclusions reaching it take out
 *   (`modelWithout`): an order's (and the after-sales read through it), an after-sale's own flow, a consumer's
 *   chat and ratings, a session-like item of a consumer (a wait, a JD session, a rating card) by the moment it
 *   opened (ShopModel.sessionsOut); a metric whose exclusions leave the numerator only keeps the items in its
 *   denominator (`measureWithout`);
 * - pending exclusions: `ifApproved` (the shop evaluated with every one approved) on each metric one reaches and
 *   on the score, and `pendingExclusions`, each with its effect alone (`addPending`).
 */

export interface HistoryExclusion {
  rec: ExclusionRec;
  s: Standing;
}

/** Every exclusion of the events (each id once, already de-duplicated) that happened by `asOf`. */
export function historyExclusions(events: readonly CanonicalEvent[], asOf: number): HistoryExclusion[] {
  const byId = new Map<string, ExclusionRec[]>();
  for (const e of events) {
    if (e.type !== "exclusion.requested" && e.type !== "exclusion.decided") continue;
    const at = toMillis(e.at);
    if (at > asOf) continue;
    const id = identityOf(e);
    byId.set(id, foldExclusion(byId.get(id), e, at));
  }
  return [...byId.values()].flat().map((rec) => ({ rec, s: standing(rec) }));
}

/** The entity kind whose items an exclusion of this scope names (a session is a consumer's). */
const entityOf = (x: ExclusionRec): string => (x.scope === "order" ? "o" : x.scope === "aftersale" ? "a" : "c");

const names = (x: HistoryExclusion, name: string) => x.s.metrics === undefined || x.s.metrics.includes(name);

/** The model metric `name` is measured on, with the items of the given (approved) exclusions taken out; the same model when none reach it. */
export function modelWithout(model: ShopModel, name: string, def: MetricDef, approved: readonly HistoryExclusion[]): ShopModel {
  const owner = ownerOf(def);
  const mine = approved.filter((x) => names(x, name));
  const gone = new Set(mine.filter((x) => x.rec.scope !== "session" && entityOf(x.rec) === owner).map((x) => x.rec.itemId));
  const sessions = sessionKind(def) ? mine.filter((x) => x.rec.scope === "session") : [];
  if (gone.size === 0 && sessions.length === 0) return model;
  const out: ShopModel = { ...model };
  if (owner === "o" && gone.size > 0) {
    out.orders = new Map([...model.orders].filter(([id]) => !gone.has(id)));
    out.aftersales = new Map([...model.aftersales].filter(([, a]) => a.orderId === undefined || !gone.has(a.orderId)));
  } else if (owner === "a" && gone.size > 0) out.aftersales = new Map([...model.aftersales].filter(([id]) => !gone.has(id)));
  else if (owner === "c" && gone.size > 0) {
    out.consumers = new Map([...model.consumers].filter(([id]) => !gone.has(id)));
    out.ratings = model.ratings.filter((r) => !gone.has(r.consumerId));
  }
  if (sessions.length > 0) {
    const sessionsOut = new Map<string, Set<number>>();
    for (const x of sessions) {
      const at = sessionMoment(x.rec.itemId);
      if (at === undefined || x.rec.consumerId === undefined) continue;
      sessionsOut.set(x.rec.consumerId, new Set([...(sessionsOut.get(x.rec.consumerId) ?? []), at]));
    }
    out.sessionsOut = sessionsOut;
  }
  return out;
}

/**
 * A metric measured without the items the approved exclusions take out; where they leave the numerator only
 * (the shop's configuration, else the pack's `exclusionLeaves`), the denominator is the one with every item.
 */
export function measureWithout(
  model: ShopModel,
  name: string,
  def: MetricDef,
  approved: readonly HistoryExclusion[],
  shop: ShopOverrides,
  measure: (m: ShopModel) => Measured,
): Measured {
  const without = modelWithout(model, name, def, approved);
  if (without === model) return measure(model);
  const m = measure(without);
  if (!leavesNumeratorOnly(def, shop.metrics?.[name])) return m;
  const denominator = measure(model).denominator ?? 0;
  const numerator = m.numerator ?? 0;
  return { ...m, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/** The exclusions standing approved, and those pending. */
export function byState(all: readonly HistoryExclusion[]): { approved: HistoryExclusion[]; pending: HistoryExclusion[] } {
  return { approved: all.filter((x) => x.s.state === "approved"), pending: all.filter((x) => x.s.state === "pending") };
}

/**
 * Adds `ifApproved` (metrics and score) and `pendingExclusions` to `ev`, the evaluation with the approved
 * exclusions applied; `run` evaluates the shop with the given exclusions approved.
 */
export function addPending(
  ev: ShopEvaluation,
  all: readonly HistoryExclusion[],
  pack: RulePack,
  run: (approved: readonly HistoryExclusion[]) => ShopEvaluation,
): void {
  const { approved, pending } = byState(all);
  if (pending.length === 0) return;
  ev.pendingExclusionCount = pending.length;
  const asApproved = (x: HistoryExclusion): HistoryExclusion => ({ rec: x.rec, s: { ...x.s, state: "approved" } });
  const then = run([...approved, ...pending.map(asApproved)]);
  for (const [name, def] of Object.entries(pack.metrics)) {
    const count = pending.filter((x) => reaches(x.rec.scope, def, entityOf(x.rec)) && names(x, name)).length;
    const now = ev.snapshot.metrics[name];
    const m = then.snapshot.metrics[name];
    if (count === 0 || !now || !m) continue;
    now.ifApproved = {
      value: m.value,
      ...(m.numerator === undefined ? {} : { numerator: m.numerator }),
      ...(m.denominator === undefined ? {} : { denominator: m.denominator }),
      status: m.status,
      pending: count,
    };
  }
  const scores = ev.snapshot.scores;
  if (scores && then.snapshot.scores) {
    const s = then.snapshot.scores;
    scores.ifApproved = { total: s.total, ...(s.stars === undefined ? {} : { stars: s.stars }), pending: pending.length };
  }
  const requested = (x: HistoryExclusion) => x.rec.request?.at ?? x.s.at;
  const listed = [...pending]
    .sort(
      (a, b) => requested(a) - requested(b) || (identityOf(a.rec) < identityOf(b.rec) ? -1 : identityOf(a.rec) > identityOf(b.rec) ? 1 : 0),
    )
    .slice(0, PENDING_LISTED);
  ev.snapshot.pendingExclusions = listed.map((x) => {
    const alone = run([...approved, asApproved(x)]);
    const effect: Record<string, number | null> = {};
    for (const [name, def] of Object.entries(pack.metrics))
      if (reaches(x.rec.scope, def, entityOf(x.rec)) && names(x, name)) effect[name] = alone.snapshot.metrics[name]?.value ?? null;
    const p: PendingExclusion = {
      scope: x.rec.scope,
      itemId: x.rec.itemId,
      reason: x.s.reason,
      requestedAt: toShanghaiIso(requested(x)),
      effect,
    };
    if (x.rec.consumerId !== undefined) p.consumerId = x.rec.consumerId;
    if (x.rec.exclusionId !== undefined) p.exclusionId = x.rec.exclusionId;
    if (ev.snapshot.scores) p.scoreIfApproved = alone.snapshot.scores?.total ?? null;
    return p;
  });
}
