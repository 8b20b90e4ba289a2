import {
  EVIDENCE_KEPT,
  EVIDENCE_OUTCOMES,
  addDays,
  shanghaiDayOf,
  toShanghaiIso,
  type EvidenceItem,
  type EvidenceOutcome,
  type ShopSnapshot,
  type StoredEvidence,
} from "@sg/events";
import type { MetricDef, RulePack } from "@sg/rules";
import { windowRange, inRange } from "../calendar.js";
import { limitsFor } from "../evaluate.js";
import {
  aftersaleFacts,
  consumerFacts,
  orderFacts,
  ratingFacts,
  type AftersaleRec,
  type ConsumerRec,
  type EntityRec,
  type OrderRec,
} from "../incremental/records.js";
import type { ShopOverrides } from "../types.js";
import { computeScores } from "../../scores/compute.js";
import { withScoreEvents } from "../../scores/score-events.js";
import { isScoreKey, scoreFactsOfRecords, type ScoreRec } from "../incremental/score-records.js";
import { entityItems, type EntityView } from "./items.js";
import { withCalendar } from "./calendar-evidence.js";
import { exclusionFields, withExclusionMarks } from "./exclusion-items.js";
import type { RawItem } from "./item.js";

/** The view the listers read of a stored record (records.ts), by its key's prefix. */
export function entityView(key: string, rec: EntityRec): EntityView {
  const id = key.slice(2);
  if (key.startsWith("o:")) {
    const o = rec as OrderRec;
    const summaries = Object.entries(o.aftersales ?? {})
      .map(([afterSaleId, s]) => ({ ...s, afterSaleId }))
      .sort((x, y) => x.requestedAt - y.requestedAt || (x.requestId < y.requestId ? -1 : x.requestId > y.requestId ? 1 : 0));
    return { kind: "order", o: orderFacts(id, o), summaries };
  }
  if (key.startsWith("a:")) return { kind: "aftersale", a: aftersaleFacts(id, rec as AftersaleRec) };
  const c = rec as ConsumerRec;
  return {
    kind: "consumer",
    c: consumerFacts(id, c),
    ratings: ratingFacts(id, c),
    ...(c.excludedAt === undefined ? {} : { excludedAt: c.excludedAt }),
  };
}

/** Each metric's items in its window at `asOf`, by outcome, newest first (ties by scope and id). */
export function metricItems(
  records: Iterable<[string, EntityRec]>,
  pack: RulePack,
  asOf: number,
  shop: ShopOverrides,
): Map<string, RawItem[]> {
  const out = new Map<string, RawItem[]>();
  const metrics = Object.entries(pack.metrics).map(([name, def]) => ({
    name,
    def,
    x: {
      asOf,
      limits: limitsFor(name, def, shop),
      window: windowRange(def.window, asOf),
      ...(shop.calendar ? { calendar: { cal: shop.calendar, metric: name } } : {}),
    },
    items: [] as RawItem[],
  }));
  for (const [key, rec] of records) {
    const view = entityView(key, rec);
    for (const m of metrics) {
      // A pending item is placed by its deadline, which may be after the window's last day; the calendar then
      // marks what it leaves out (a pending item it leaves out is listed as excluded), then the entity's
      // exclusions mark the rest (a pending item an approved exclusion takes out is listed as excluded).
      const inWindow = entityItems(view, m.def, m.x).filter(
        (it) => inRange(it.at, m.x.window) || (it.outcome === "pending" && it.at >= m.x.window.start),
      );
      const calendared = withCalendar(inWindow, view, m.name, m.def, shop.calendar, asOf);
      m.items.push(...withExclusionMarks(key, "excl" in rec ? rec.excl : undefined, m.name, m.def, calendared));
    }
  }
  for (const m of metrics) {
    m.items.sort((a, b) => b.at - a.at || cmp(a.scope, b.scope) || cmp(a.id, b.id) || cmp(a.consumerId ?? "", b.consumerId ?? ""));
    out.set(m.name, m.items);
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The day an item leaves its metric's window: 30 or 90 days after it counts, the next day, or null (month, now). */
export function leavesOn(def: MetricDef, countsOn: string): string | null {
  switch (def.window) {
    case "day":
      return addDays(countsOn, 1);
    case "30d":
      return addDays(countsOn, 30);
    case "90d":
      return addDays(countsOn, 90);
    case "month":
    case "now":
      return null;
  }
}

/** The window's first and last day as the page names it ("now": today). */
function windowDays(def: MetricDef, asOf: number): { from: string; to: string } {
  const w = windowRange(def.window, asOf);
  const today = shanghaiDayOf(asOf);
  return Number.isFinite(w.start) ? { from: shanghaiDayOf(w.start), to: shanghaiDayOf(w.end - 1) } : { from: today, to: today };
}

/**
 * What a bad item costs (issue 18, attribution): the metric's value without it, (numerator − n) /
 * (denominator − d) for a ratio or a mean and value − n for a count, and the score (total and the metric's
 * dimension) computed again with that value. Null where the metric's value is not a sum of its items
 * (a derived score).
 */
export function costOf(
  name: string,
  def: MetricDef,
  it: RawItem,
  snap: ShopSnapshot,
  pack: RulePack,
  shop: ShopOverrides,
): NonNullable<EvidenceItem["cost"]> {
  const m = snap.metrics[name];
  let valueWithout: number | null = null;
  if (m !== undefined && def.kind !== "jd_service_score") {
    if (m.denominator !== undefined && m.numerator !== undefined) {
      const den = m.denominator - it.d;
      valueWithout = den > 0 ? (m.numerator - it.n) / den : null;
    } else if (m.value !== null) valueWithout = m.value - it.n;
  }
  const out: NonNullable<EvidenceItem["cost"]> = { valueWithout };
  if (!snap.scores || m === undefined) return out;
  const reading = {
    value: valueWithout,
    ...(m.numerator === undefined ? {} : { numerator: m.numerator - it.n }),
    ...(m.denominator === undefined ? {} : { denominator: m.denominator - it.d }),
  };
  const scores = computeScores({
    pack,
    shopKey: `${snap.platform}:${snap.shopId}`,
    metrics: { ...snap.metrics, [name]: reading },
    context: shop.score,
  });
  out.scoreWithout = scores?.total ?? null;
  const model = pack.score;
  const dim = model
    ? Object.entries(model.dimensions).find(([, d]) => d.indicators.some((i) => model.indicators[i]?.metric === name))
    : undefined;
  if (dim) {
    out.dimension = dim[1].title;
    out.dimensionWithout = scores?.dimensions[dim[0]]?.score ?? null;
  }
  return out;
}

/**
 * The shop's evidence projection at `asOf` (docs/evidence.md): per metric and outcome, the total and the
 * newest EVIDENCE_KEPT items, each with the day it counts on, the day it leaves the window and, when bad,
 * its cost against `snap` (the evaluation at the same `asOf`).
 */
export function shopEvidence(input: {
  records: Iterable<[string, EntityRec]>;
  pack: RulePack;
  asOf: number;
  shop: ShopOverrides;
  snapshot: ShopSnapshot;
}): Map<string, StoredEvidence> {
  const { pack, asOf, snapshot } = input;
  const out = new Map<string, StoredEvidence>();
  // Score bonus and deduction records (score-records.ts) are no metric's items; the costs' scores read them.
  const scoreRecs: [string, ScoreRec][] = [];
  const records = (function* () {
    for (const r of input.records)
      if (isScoreKey(r[0])) scoreRecs.push(r as [string, ScoreRec]);
      else yield r;
  })();
  const lists = metricItems(records, pack, asOf, input.shop);
  const shop = withScoreEvents({ shop: input.shop }, scoreFactsOfRecords(pack, asOf, scoreRecs)).shop;
  for (const [name, def] of Object.entries(pack.metrics)) {
    const all = lists.get(name) ?? [];
    const window = windowDays(def, asOf);
    const costs = new Map<string, NonNullable<EvidenceItem["cost"]>>();
    for (const outcome of EVIDENCE_OUTCOMES) {
      const of = all.filter((it) => it.outcome === outcome);
      const items = of.slice(0, EVIDENCE_KEPT[outcome]).map((it) => {
        const countsOn = shanghaiDayOf(it.at);
        const item: EvidenceItem = {
          scope: it.scope,
          id: it.id,
          ...(it.consumerId === undefined ? {} : { consumerId: it.consumerId }),
          outcome,
          moments: it.moments.map((m) => ({ name: m.name, at: toShanghaiIso(m.at) })),
          why: it.why,
          countsOn,
          leavesOn: leavesOn(def, countsOn),
          ...(it.leftOut?.by === "calendar" ? { leftOut: it.leftOut } : {}),
          ...exclusionFields(it),
        };
        if (outcome === "bad") {
          // Items with the same part of the counts cost the same: computed once per (n, d).
          const k = `${it.n}|${it.d}`;
          let c = costs.get(k);
          if (!c) costs.set(k, (c = costOf(name, def, it, snapshot, pack, shop)));
          item.cost = c;
        }
        return item;
      });
      out.set(`${name}|${outcome}` satisfies `${string}|${EvidenceOutcome}`, {
        asOfMs: asOf,
        asOf: toShanghaiIso(asOf),
        window,
        total: of.length,
        items,
      });
    }
  }
  return out;
}
