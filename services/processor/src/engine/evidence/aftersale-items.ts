import { itemLine } from "./calendar-evidence.js";
import { durationMs, type DefOf } from "@sg/rules";
import { addBusinessTime, businessTime, dailyHours, HOUR } from "../calendar.js";
import { firstWaitEnd } from "../kinds/aftersale-awaiting-hours.js";
import { aftersaleClockItem, returnRefundItem } from "../kinds/items-2026.js";
import type { AftersaleFacts } from "../model.js";
import { meanLine, meanOutcome, rateOutcome, type ItemContext, type RawItem } from "./item.js";
import { duration, hours, join, say } from "./words.js";

/** The items an after-sale counts for each after-sale kind (metrics.md), restating contrib.ts item by item. */
const aftersale = (a: AftersaleFacts, x: Omit<RawItem, "scope" | "id">): RawItem => ({ scope: "aftersale", id: a.afterSaleId, ...x });

function meanOfAftersale(
  a: AftersaleFacts,
  def: DefOf<"aftersale_awaiting_hours" | "late_clock_mean" | "refund_duration_mean">,
  x: ItemContext,
  at: number,
  valueMs: number,
  moments: RawItem["moments"],
  what: { en: string; zh: string },
): RawItem {
  const value = valueMs / HOUR;
  const l = meanLine(x.limits);
  const why = join(
    say(`${what.en} ${hours(valueMs).en}`, `${what.zh}${hours(valueMs)["zh-CN"]}`),
    ...(l === undefined ? [] : [say(`line ${l} h`, `线${l}小时`)]),
  );
  return aftersale(a, { outcome: meanOutcome(def, x.limits, value), at, moments, why, n: value, d: 1 });
}

export function awaitingItems(a: AftersaleFacts, def: DefOf<"aftersale_awaiting_hours">, x: ItemContext): RawItem[] {
  if (!a.requested || !def.params.kinds.includes(a.requested.kind as never)) return [];
  const completed = a.completed[0];
  if (!completed) return [];
  if (!def.params.includeIntervened && a.intervened.length > 0) return [];
  // Awaiting-merchant time (metrics.md "Shared definitions"); a wait with no end grows with the clock.
  const ends = [...a.acted.map((y) => y.at), ...a.completed.map((y) => y.at), ...a.cancelled].sort((p, q) => p - q);
  let total = 0;
  const moments: RawItem["moments"] = [];
  for (const open of [a.requested.at, ...a.returnSigned]) {
    const end = ends.find((t) => t >= open);
    moments.push({ name: open === a.requested.at ? "requested" : "return_signed", at: open });
    if (end !== undefined) moments.push({ name: "merchant_wait_ended", at: end });
    total += (end ?? x.asOf) - open;
  }
  moments.push({ name: "completed", at: completed.at });
  return [meanOfAftersale(a, def, x, completed.at, total, moments, { en: "awaited the merchant", zh: "等待商家处理" })];
}

export function disputeItems(a: AftersaleFacts, def: DefOf<"dispute_rate">): RawItem[] {
  const completed = a.completed[0];
  if (!completed) return [];
  const last = a.arbitrated[a.arbitrated.length - 1];
  const hit = last !== undefined && def.params.liable.includes(last.liability as never);
  const why = last ? say(`arbitrated: ${last.liability} liable`, `判责：${last.liability}`) : say("not arbitrated", "未判责");
  return [
    aftersale(a, {
      outcome: rateOutcome(def, hit),
      at: completed.at,
      moments: [...(last ? [{ name: "arbitrated", at: last.at }] : []), { name: "completed", at: completed.at }],
      why,
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function businessTimeItems(a: AftersaleFacts, def: DefOf<"business_time_rate">, x: ItemContext): RawItem[] {
  const start = def.params.from === "requested" ? a.requested?.at : a.ready[0];
  if (start === undefined) return [];
  const end = def.params.to === "first_merchant_acted" ? a.acted[0]?.at : a.processed[0];
  const h = dailyHours(def.params.businessHours);
  const { ms: limit, why: limitWhy } = itemLine(x, start, durationMs(def.params.limit), a.requested?.kind);
  const moments = [{ name: def.params.from, at: start }, ...(end === undefined ? [] : [{ name: def.params.to, at: end }])];
  if (end === undefined) {
    const deadline = addBusinessTime(start, limit, h);
    // Undecided until the action; an item past its business-time limit is not counted until it is acted on.
    if (deadline <= x.asOf) return [];
    return [
      aftersale(a, {
        outcome: "pending",
        at: deadline,
        moments: [...moments, { name: "deadline", at: deadline }],
        why: say(
          `awaiting action; ${duration(deadline - x.asOf).en} of business time left`,
          `待处理；剩余工作时间${duration(deadline - x.asOf)["zh-CN"]}`,
        ),
        n: 0,
        d: 0,
      }),
    ];
  }
  const took = businessTime(start, end, h);
  const hit = took <= limit;
  const why = join(say(`acted after ${duration(took).en} of business time`, `工作时间${duration(took)["zh-CN"]}后处理`), limitWhy);
  return [aftersale(a, { outcome: rateOutcome(def, hit), at: end, moments, why, n: hit ? 1 : 0, d: 1 })];
}

export function everStateItems(a: AftersaleFacts, def: DefOf<"ever_state_rate">): RawItem[] {
  const reviewed = a.acted[0]?.at;
  if (reviewed === undefined) return [];
  const hit = a.awaitingCustomer.length > 0;
  const why = hit ? say("was awaiting the consumer's feedback", "曾待买家反馈") : say("never awaiting the consumer", "未进入待买家反馈");
  return [
    aftersale(a, {
      outcome: rateOutcome(def, hit),
      at: reviewed,
      moments: [
        { name: "first_merchant_acted", at: reviewed },
        ...a.awaitingCustomer.slice(0, 1).map((at) => ({ name: "awaiting_customer", at })),
      ],
      why,
      n: hit ? 1 : 0,
      d: 1,
    }),
  ];
}

export function aftersaleClockItems(a: AftersaleFacts, def: DefOf<"late_clock_mean">, x: ItemContext): RawItem[] {
  const it = aftersaleClockItem(a, def);
  if (!it) return [];
  return [
    meanOfAftersale(
      a,
      def,
      x,
      it.at,
      it.value,
      [...(a.requested ? [{ name: "requested", at: a.requested.at }] : []), { name: "first_merchant_acted", at: it.at }],
      { en: "first action after (clock)", zh: "首次处理时长" },
    ),
  ];
}

export function returnRefundItems(a: AftersaleFacts, def: DefOf<"refund_duration_mean">, x: ItemContext): RawItem[] {
  const it = returnRefundItem(a.requested?.kind, a.returnSigned[0], a.completed[0], def);
  if (!it) return [];
  return [
    meanOfAftersale(
      a,
      def,
      x,
      it.at,
      it.value,
      [
        { name: "return_signed", at: a.returnSigned[0]! },
        { name: "refunded", at: it.at },
      ],
      { en: "refunded after", zh: "退款时长" },
    ),
  ];
}

export function overdueRefundItems(a: AftersaleFacts, def: DefOf<"overdue_refund_count">, x: ItemContext): RawItem[] {
  if (!a.requested) return [];
  const { ms: lineMs, why: lineWhy } = itemLine(x, a.requested.at, durationMs(def.params.deadline), a.requested.kind);
  const deadline = a.requested.at + lineMs;
  const end = firstWaitEnd(a);
  const moments = [
    { name: "requested", at: a.requested.at },
    { name: "deadline", at: deadline },
    ...(end === undefined ? [] : [{ name: "merchant_wait_ended", at: end }]),
  ];
  const overdue = end !== undefined ? end > deadline : deadline <= x.asOf;
  if (overdue) {
    const why = join(
      end === undefined
        ? say(`no merchant action ${duration(lineMs).en} after the request`, `申请后${duration(lineMs)["zh-CN"]}商家未处理`)
        : say(
            `merchant acted ${duration(end - a.requested.at).en} after the request`,
            `申请后${duration(end - a.requested.at)["zh-CN"]}商家处理`,
          ),
      lineWhy,
    );
    return [aftersale(a, { outcome: "bad", at: deadline, moments, why, n: 1, d: 0 })];
  }
  if (end === undefined)
    return [
      aftersale(a, {
        outcome: "pending",
        at: deadline,
        moments,
        why: say(
          `awaiting the merchant; ${duration(deadline - x.asOf).en} left`,
          `待商家处理；剩余${duration(deadline - x.asOf)["zh-CN"]}`,
        ),
        n: 0,
        d: 0,
      }),
    ];
  return [
    aftersale(a, {
      outcome: "good",
      at: end,
      moments,
      why: join(
        say(
          `merchant acted ${duration(end - a.requested.at).en} after the request`,
          `申请后${duration(end - a.requested.at)["zh-CN"]}商家处理`,
        ),
        lineWhy,
      ),
      n: 0,
      d: 0,
    }),
  ];
}
