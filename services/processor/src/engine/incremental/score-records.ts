import { SHANGHAI_OFFSET_MS, toMillis, type CanonicalEvent } from "@sg/events";
import type { RulePack } from "@sg/rules";
import { DAY } from "../calendar.js";
import { OPEN_KEEP_MS } from "../../retention.js";
import { centiPoints, deductionWindow, type ScoreEventFacts, type ScoreGrant } from "../../scores/score-events.js";

/**
 * Score bonuses and deductions as entity records (docs/scores.md "Bonuses and deductions as events"):
 *
 * - `g:<grantId>`: a bonus grant. The first `score.bonus_granted` by (time, id) says which bonus, from when,
 *   until when and at what share; the earliest `score.bonus_revoked` ends it. Its contribution is one `now`
 *   field naming the bonus and its interval, so an evaluation reads every grant the shop holds from the
 *   current aggregates and decides at asOf which are in force (no timer needed).
 * - `v:<violationId>`: a deduction. The first `score.deducted` by (time, id) says which part and how many
 *   points; any `score.deduction_revoked` withdraws it. Its contribution sits on the Shanghai day of its
 *   `at`: hundredths of points and a count, or, once revoked, a revoked count. The window's days are read
 *   like any metric's, so a deduction leaves the window as the days roll.
 *
 * Every fold is a first-by-(time, id) or a min: any arrival order and any duplicate give the same record.
 * The contributions do not depend on the pack: a shop whose pack reads neither still keeps them (applied and
 * ignored), so switching packs needs no rebuild.
 */

export interface GrantRec {
  grant?: { at: number; id: string; bonus: string; from: number; to?: number; share?: number };
  revokedAt?: number;
}

export interface ViolationRec {
  ded?: { at: number; id: string; part: string; centi: number };
  revokedAt?: number;
}

export type ScoreRec = GrantRec | ViolationRec;

/** The field prefix of these contributions: no metric index starts with a letter. */
const P = "S";
/** The prefix of the score's deduction fields in the day aggregates (`S|d|<part>|p`, `|n`, `|r`). */
export const SCORE_DAY_FIELD_PREFIX = `${P}|d|`;

export function isScoreKey(key: string): boolean {
  return key.startsWith("g:") || key.startsWith("v:");
}

/** The entity of a score event, or undefined for any other event. */
export function scoreEntityOf(e: CanonicalEvent): string | undefined {
  switch (e.type) {
    case "score.bonus_granted":
    case "score.bonus_revoked":
      return `g:${e.grantId}`;
    case "score.deducted":
    case "score.deduction_revoked":
      return `v:${e.violationId}`;
    default:
      return undefined;
  }
}

const earlier = (at: number, id: string, prev: { at: number; id: string } | undefined) =>
  prev === undefined || at < prev.at || (at === prev.at && id < prev.id);
const min = (a: number | undefined, b: number) => (a === undefined || b < a ? b : a);

export function foldScore(key: string, rec: ScoreRec | undefined, e: CanonicalEvent, at: number): ScoreRec {
  if (key.startsWith("g:")) {
    const g: GrantRec = { ...rec };
    if (e.type === "score.bonus_granted" && earlier(at, e.id, g.grant)) {
      g.grant = { at, id: e.id, bonus: e.bonus, from: toMillis(e.validFrom) };
      if (e.validTo !== undefined) g.grant.to = toMillis(e.validTo);
      if (e.share !== undefined) g.grant.share = e.share;
    } else if (e.type === "score.bonus_revoked") g.revokedAt = min(g.revokedAt, at);
    return g;
  }
  const v: ViolationRec = { ...rec };
  if (e.type === "score.deducted" && earlier(at, e.id, v.ded)) v.ded = { at, id: e.id, part: e.part, centi: centiPoints(e.points) };
  else if (e.type === "score.deduction_revoked") v.revokedAt = min(v.revokedAt, at);
  return v;
}

/** A grant's exclusive end: its `validTo` or its revocation, the earlier; null while neither is known. */
export function grantEnd(g: GrantRec): number | null {
  const to = g.grant?.to;
  if (to === undefined) return g.revokedAt ?? null;
  return g.revokedAt === undefined ? to : Math.min(to, g.revokedAt);
}

const dayOf = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY);
const esc = encodeURIComponent;

/** The record's contribution: `cur` (a grant) or one day's fields (a deduction); none without its first event. */
export function scoreContribution(key: string, rec: ScoreRec): { agg: Map<string, number>; cur: Map<string, number> } {
  const agg = new Map<string, number>();
  const cur = new Map<string, number>();
  if (key.startsWith("g:")) {
    const g = rec as GrantRec;
    if (g.grant) {
      const end = grantEnd(g);
      cur.set(`${P}|b|${esc(g.grant.bonus)}|${g.grant.from}|${end ?? "-"}|${g.grant.share ?? "-"}`, 1);
    }
  } else {
    const v = rec as ViolationRec;
    if (v.ded) {
      const f = `${dayOf(v.ded.at)}|${P}|d|${esc(v.ded.part)}`;
      if (v.revokedAt !== undefined) agg.set(`${f}|r`, 1);
      else {
        agg.set(`${f}|p`, v.ded.centi);
        agg.set(`${f}|n`, 1);
      }
    }
  }
  return { agg, cur };
}

/**
 * When the record can count no more: a deduction `closedKeepMs` after its last fact (its day has left every
 * window by then); a grant `closedKeepMs` after its end, and never while it has none (in force until revoked).
 */
export function scoreExpireAt(key: string, rec: ScoreRec, closedKeepMs: number): number {
  if (key.startsWith("g:")) {
    const g = rec as GrantRec;
    // A revocation whose grant has not come yet waits as long as an event can still arrive.
    if (!g.grant) return (g.revokedAt ?? 0) + OPEN_KEEP_MS;
    const end = grantEnd(g);
    return end === null ? Infinity : Math.max(end, g.grant.at) + closedKeepMs;
  }
  const v = rec as ViolationRec;
  if (!v.ded) return (v.revokedAt ?? 0) + OPEN_KEEP_MS;
  return Math.max(v.ded?.at ?? 0, v.revokedAt ?? 0) + closedKeepMs;
}

// ---------- the stored body (codec.ts): `;`-separated fields, times in base 36 ----------

const b36 = (n: number) => n.toString(36);
const un36 = (s: string) => parseInt(s, 36);
const opt = (n: number | undefined) => (n === undefined ? "" : b36(n));
const unopt = (s: string | undefined) => (s === undefined || s === "" ? undefined : un36(s));

/** Fields of the body: `grant at, id, bonus, from, to, share, revokedAt` or `ded at, id, part, centi, revokedAt` (ids escaped). */
export function scoreBody(key: string, rec: ScoreRec): string[] {
  if (key.startsWith("g:")) {
    const g = rec as GrantRec;
    const x = g.grant;
    return x
      ? [b36(x.at), esc(x.id), esc(x.bonus), b36(x.from), opt(x.to), x.share === undefined ? "" : String(x.share), opt(g.revokedAt)]
      : ["", "", "", "", "", "", opt(g.revokedAt)];
  }
  const v = rec as ViolationRec;
  const x = v.ded;
  return x ? [b36(x.at), esc(x.id), esc(x.part), b36(x.centi), opt(v.revokedAt)] : ["", "", "", "", opt(v.revokedAt)];
}

export function readScoreBody(key: string, f: string[]): ScoreRec {
  const dec = decodeURIComponent;
  if (key.startsWith("g:")) {
    const g: GrantRec = {};
    if (f[0]) {
      g.grant = { at: un36(f[0]), id: dec(f[1]!), bonus: dec(f[2]!), from: un36(f[3]!) };
      const to = unopt(f[4]);
      if (to !== undefined) g.grant.to = to;
      if (f[5]) g.grant.share = Number(f[5]);
    }
    const r = unopt(f[6]);
    if (r !== undefined) g.revokedAt = r;
    return g;
  }
  const v: ViolationRec = {};
  if (f[0]) v.ded = { at: un36(f[0]), id: dec(f[1]!), part: dec(f[2]!), centi: un36(f[3]!) };
  const r = unopt(f[4]);
  if (r !== undefined) v.revokedAt = r;
  return v;
}

// ---------- what an evaluation reads ----------

function emptyFacts(asOf: number): ScoreEventFacts {
  return { asOf, grants: {}, deductions: {} };
}

function addGrant(facts: ScoreEventFacts, bonus: string, g: ScoreGrant) {
  (facts.grants[bonus] ??= []).push(g);
}

/** Per frozen record (the aggregate cache's parts, state/aggregate-cache.ts) and prefix, its fields with that prefix. */
const fieldsByRecord = new WeakMap<object, Map<string, readonly string[]>>();

/**
 * The fields of `h` that start with `prefix`, in the record's order or sorted. A frozen record cannot change,
 * so its list is made once: an evaluation reads about 30 day records of a hundred fields each, and most of
 * them are the same objects from one evaluation to the next. A record that is not frozen is listed each time.
 */
export function fieldsOf(h: Record<string, string>, prefix: string, sorted: boolean): readonly string[] {
  const frozen = Object.isFrozen(h);
  const memo = frozen ? fieldsByRecord.get(h) : undefined;
  const key = sorted ? `s${prefix}` : prefix;
  const hit = memo?.get(key);
  if (hit) return hit;
  // Filtered first, then sorted: a day record has hundreds of fields and a handful with the prefix.
  const out = Object.keys(h).filter((f) => f.startsWith(prefix));
  if (sorted) out.sort();
  if (frozen) {
    if (memo) memo.set(key, out);
    else fieldsByRecord.set(h, new Map([[key, out]]));
  }
  return out;
}

/**
 * The score's event facts from the aggregates an evaluation reads (`cur` and the window's days), or
 * undefined when the pack reads none. Grants are listed in a fixed order (by field), so the result does
 * not depend on the hash's order.
 */
export function scoreFactsOfAggregates(
  pack: RulePack,
  asOf: number,
  cur: Record<string, string>,
  days: ReadonlyMap<number, Record<string, string>>,
): ScoreEventFacts | undefined {
  if (!pack.score?.bonuses && !pack.score?.deductions) return undefined;
  const facts = emptyFacts(asOf);
  const pre = `${P}|b|`;
  for (const f of fieldsOf(cur, pre, true)) {
    if (Number(cur[f]) <= 0) continue;
    const [bonus, from, end, share] = f.slice(pre.length).split("|") as [string, string, string, string];
    for (let i = 0; i < Number(cur[f]); i++) {
      const g: ScoreGrant = { from: Number(from), end: end === "-" ? null : Number(end) };
      if (share !== "-") g.share = Number(share);
      addGrant(facts, decodeURIComponent(bonus), g);
    }
  }
  const w = deductionWindow(pack, asOf);
  if (w) {
    const dpre = SCORE_DAY_FIELD_PREFIX;
    for (let d = dayOf(w.start); d <= dayOf(w.end - 1); d++) {
      const h = days.get(d);
      if (!h) continue;
      for (const f of fieldsOf(h, dpre, false)) {
        const rest = f.slice(dpre.length);
        const bar = rest.lastIndexOf("|");
        const part = decodeURIComponent(rest.slice(0, bar));
        const x = (facts.deductions[part] ??= { centi: 0, count: 0, revoked: 0 });
        const n = Number(h[f]);
        const which = rest.slice(bar + 1);
        if (which === "p") x.centi += n;
        else if (which === "n") x.count += n;
        else if (which === "r") x.revoked += n;
      }
    }
  }
  sortGrants(facts);
  return facts;
}

/** The same facts from the records themselves (the full-history engine folds the events into them). */
export function scoreFactsOfRecords(pack: RulePack, asOf: number, records: Iterable<[string, ScoreRec]>): ScoreEventFacts | undefined {
  if (!pack.score?.bonuses && !pack.score?.deductions) return undefined;
  const facts = emptyFacts(asOf);
  const w = deductionWindow(pack, asOf);
  for (const [key, rec] of records) {
    if (key.startsWith("g:")) {
      const g = rec as GrantRec;
      if (!g.grant) continue;
      const x: ScoreGrant = { from: g.grant.from, end: grantEnd(g) };
      if (g.grant.share !== undefined) x.share = g.grant.share;
      addGrant(facts, g.grant.bonus, x);
    } else if (key.startsWith("v:") && w) {
      const v = rec as ViolationRec;
      if (!v.ded) continue;
      const d = dayOf(v.ded.at);
      if (d < dayOf(w.start) || d > dayOf(w.end - 1)) continue;
      const x = (facts.deductions[v.ded.part] ??= { centi: 0, count: 0, revoked: 0 });
      if (v.revokedAt !== undefined) x.revoked++;
      else {
        x.centi += v.ded.centi;
        x.count++;
      }
    }
  }
  sortGrants(facts);
  return facts;
}

function sortGrants(facts: ScoreEventFacts) {
  for (const list of Object.values(facts.grants))
    list.sort((a, b) => a.from - b.from || (a.end ?? Infinity) - (b.end ?? Infinity) || (a.share ?? -1) - (b.share ?? -1));
}

/** The facts from a list of events (the full-history engine): each score event that happened by asOf folded into its record. */
export function scoreFactsOfEvents(pack: RulePack, asOf: number, events: readonly CanonicalEvent[]): ScoreEventFacts | undefined {
  if (!pack.score?.bonuses && !pack.score?.deductions) return undefined;
  const recs = new Map<string, ScoreRec>();
  for (const e of events) {
    const key = scoreEntityOf(e);
    if (key === undefined) continue;
    const at = toMillis(e.at);
    if (at > asOf) continue;
    recs.set(key, foldScore(key, recs.get(key), e, at));
  }
  return scoreFactsOfRecords(pack, asOf, recs);
}
