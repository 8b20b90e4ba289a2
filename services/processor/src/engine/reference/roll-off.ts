import { toMillis, toShanghaiIso, type CanonicalEvent, type MetricStatus, type Platform } from "@sg/events";
import { packForChoice, type RulePack } from "@sg/rules";
import { DAY, dayStart } from "../calendar.js";
import { referenceEvaluate, type ReferenceOverrides } from "./evaluate.js";

/**
 * Roll-off restated (docs/forecast.md): "nothing new happens" means the facts known at `now` stay the only
 * facts, so the value at the end of a coming day is the full-history evaluation of those same facts at that
 * day's last instant, under the pack in force now. Pending items whose deadline passes by then are judged as
 * the rules judge an unmet deadline; days before the window's start have left it.
 */
export function referenceRollOff(input: {
  platform: Platform;
  shopId: string;
  events: readonly CanonicalEvent[];
  now: number;
  shop?: ReferenceOverrides;
  days?: number;
}): Record<string, { day: string; value: number | null; status: MetricStatus }[]> {
  const shop = input.shop ?? {};
  const pack: RulePack = packForChoice(input.platform, shop.pack, toShanghaiIso(input.now).slice(0, 10));
  const known = input.events.filter((e) => toMillis(e.at) <= input.now);
  const out: Record<string, { day: string; value: number | null; status: MetricStatus }[]> = {};
  for (let k = 0; k < (input.days ?? 7); k++) {
    const dayEnd = dayStart(input.now) + (k + 1) * DAY - 1;
    const ev = referenceEvaluate({ platform: input.platform, shopId: input.shopId, events: known, asOf: dayEnd, shop, pack });
    for (const [name, m] of Object.entries(ev.snapshot.metrics))
      (out[name] ??= []).push({ day: toShanghaiIso(dayEnd).slice(0, 10), value: m.value, status: m.status });
  }
  return out;
}
