import { shanghaiDayOf, type CanonicalEvent, type Platform } from "@sg/events";
import type { Calendars } from "@sg/config";
import { shopCalendar } from "../engine/calendar-entries.js";
import type { RulePack } from "@sg/rules";
import { metricItems } from "../engine/evidence/shop-evidence.js";
import type { EntityRec } from "../engine/incremental/records.js";
import { referenceEvidence } from "../engine/reference/evidence.js";

/** One item as the comparison sees it: outcome, scope, consumer/id and the day it counts on. */
const row = (x: { scope: string; id: string; consumerId?: string | undefined; outcome: string }, at: number) =>
  `${x.outcome} ${x.scope} ${x.consumerId ?? ""}/${x.id} ${shanghaiDayOf(at)}`;

/**
 * Engine v2's evidence (engine/evidence over the shop's stored records) and the reference's (restated over the
 * full history), per metric the reference restates: each side's items as sorted rows, to compare with
 * `toEqual` (the unit and int model tests).
 */
export function evidenceSides(input: {
  records: Iterable<[string, EntityRec]>;
  events: readonly CanonicalEvent[];
  pack: RulePack;
  asOf: number;
  /** The configuration's calendars and the shop they apply to: both sides list what they leave out as excluded. */
  calendars?: { calendars: Calendars | undefined; shop: { platform: Platform; shopId: string } };
}): { metric: string; kind: string; engine: string[]; reference: string[] }[] {
  const c = input.calendars;
  const calendar = c === undefined ? undefined : shopCalendar(c.calendars, c.shop.platform, c.shop.shopId);
  const lists = metricItems(input.records, input.pack, input.asOf, calendar ? { calendar } : {});
  const ref = referenceEvidence({ events: input.events, asOf: input.asOf, pack: input.pack, ...(c ? { calendars: c } : {}) });
  return [...ref].map(([metric, items]) => ({
    metric,
    kind: input.pack.metrics[metric]!.kind,
    engine: (lists.get(metric) ?? []).map((it) => row(it, it.at)).sort(),
    reference: items.map((it) => row(it, it.countsOn)).sort(),
  }));
}
