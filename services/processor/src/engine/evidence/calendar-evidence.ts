import type { MetricDef } from "@sg/rules";
import { suspendingEntry, UNSUSPENDED_KINDS, type ShopCalendar, type ShopCalendarEntry } from "../calendar-entries.js";
import { excludingEntry, extendingEntry, REGION_KINDS } from "../calendar-items.js";
import { dayNumber } from "../incremental/contrib.js";
import type { ItemContext, RawItem } from "./item.js";
import type { EntityView } from "./items.js";
import { duration, join, say, type Why } from "./words.js";

/**
 * What the shop's calendar does to the evidence (docs/calendars.md, docs/evidence.md): the line of an item whose
 * deadline an entry extends, naming the entry; and the items a suspension or an excluded region leaves out,
 * listed as `excluded` with `leftOut: {by: "calendar", …}` and a sentence naming the entry. An entry marked
 * `sample` says so in the sentence: an example is never shown as a platform's notice.
 */

/** The calendar an item lister reads: the shop's, and the metric's name as calendars name it. */
export interface ItemCalendar {
  cal: ShopCalendar | undefined;
  metric: string;
}

/** How an entry is named to a merchant: its name, its path in the configuration, and "example" for a sample. */
function named(c: ShopCalendarEntry): Why {
  const sample = c.entry.sample ? { en: ", an example, not a platform's notice", zh: "，示例，非平台通知" } : { en: "", zh: "" };
  return say(`${c.entry.name} (${c.path}${sample.en})`, `${c.entry.name}（${c.path}${sample.zh}）`);
}

/**
 * The deadline of an item whose wait opens at `open` and the sentence of its line: the pack's ("line 24 h"),
 * or an extension's, naming it ("line 48 h: 春节 2027 … (calendars.platforms.douyin[0])").
 */
export function itemLine(x: ItemContext, open: number, base: number, kind?: string): { ms: number; why: Why } {
  const c = x.calendar ? extendingEntry(x.calendar.cal, x.calendar.metric, dayNumber(open), kind) : undefined;
  const ms = c?.entry.deadline ?? base;
  const d = duration(ms);
  if (c === undefined) return { ms, why: say(`line ${d.en}`, `时限${d["zh-CN"]}`) };
  const n = named(c);
  return { ms, why: say(`line ${d.en}, extended by ${n.en}`, `时限${d["zh-CN"]}，已按${n["zh-CN"]}延长`) };
}

const OUTCOME_ZH: Record<RawItem["outcome"], string> = { bad: "不合格", good: "合格", pending: "待定", excluded: "剔除" };

/**
 * The items of one entity for a metric, with those the calendar leaves out marked: a suspended day (the day the
 * item counts on; a `now` count on asOf's day) or, for an order of an order timeliness metric, a listed region.
 * A left-out item counts nothing (n, d 0), as the engine's sums do. Items already excluded stay as they are.
 */
export function withCalendar(
  items: RawItem[],
  view: EntityView,
  metric: string,
  def: MetricDef,
  cal: ShopCalendar | undefined,
  asOf: number,
): RawItem[] {
  if (cal === undefined) return items;
  return items.map((it) => {
    if (it.outcome === "excluded") return it;
    const day = dayNumber(def.window === "now" ? asOf : it.at);
    const suspended = UNSUSPENDED_KINDS.has(def.kind) ? undefined : suspendingEntry(cal, metric, day);
    const region =
      suspended === undefined && view.kind === "order" && REGION_KINDS.has(def.kind)
        ? excludingEntry(cal, metric, day, view.o.shipFrom, view.o.shipTo)
        : undefined;
    const c = suspended ?? region;
    if (c === undefined) return it;
    const n = named(c);
    const what = suspended
      ? say(`not assessed: ${n.en}`, `不考核：${n["zh-CN"]}`)
      : say(
          `region not assessed (${[view.kind === "order" ? view.o.shipFrom : undefined, view.kind === "order" ? view.o.shipTo : undefined].filter(Boolean).join(" → ")}): ${n.en}`,
          `地区不考核（${[view.kind === "order" ? view.o.shipFrom : undefined, view.kind === "order" ? view.o.shipTo : undefined].filter(Boolean).join(" → ")}）：${n["zh-CN"]}`,
        );
    return {
      ...it,
      outcome: "excluded" as const,
      why: join(what, say(`was ${it.outcome}`, `原为${OUTCOME_ZH[it.outcome]}`)),
      n: 0,
      d: 0,
      leftOut: {
        by: "calendar" as const,
        entry: c.path,
        name: c.entry.name,
        rule: suspended ? ("suspended" as const) : ("region_excluded" as const),
      },
    };
  });
}
