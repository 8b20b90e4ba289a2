import { itemLine } from "./calendar-evidence.js";
import { toShanghaiIso } from "@sg/events";
import { durationMs, type DefOf } from "@sg/rules";
import { dailyHours, inHours, inRange } from "../calendar.js";
import { sessions, waits, type Wait } from "../chat.js";
import { buyerRounds, imputedRounds } from "../kinds/items-2026.js";
import type { ConsumerFacts, RatingFact } from "../model.js";
import { dayNumber } from "../incremental/contrib.js";
import { meanLine, meanOutcome, rateOutcome, type ItemContext, type RawItem } from "./item.js";
import { duration, join, line, say } from "./words.js";

/**
 * The items a consumer counts for each chat and rating kind (metrics.md), restating contrib.ts item by item.
 * A consumer-day and a buyer are items of scope `consumer`; a wait, a session or a rating is an item of scope
 * `session` whose id is the moment it opened (its rating card was sent), Shanghai time, within its consumer.
 */
export interface ConsumerView {
  c: ConsumerFacts;
  ratings: RatingFact[];
}

const consumer = (c: ConsumerFacts, x: Omit<RawItem, "scope" | "id">): RawItem => ({ scope: "consumer", id: c.consumerId, ...x });
const session = (c: ConsumerFacts, open: number, x: Omit<RawItem, "scope" | "id" | "consumerId">): RawItem => ({
  scope: "session",
  id: toShanghaiIso(open),
  consumerId: c.consumerId,
  ...x,
});
const waitMoments = (w: Wait) => [{ name: "consumer_message", at: w.open }, ...(w.end === undefined ? [] : [{ name: "reply", at: w.end }])];

export function replyConsumerDayItems({ c }: ConsumerView, def: DefOf<"reply_consumer_day">, x: ItemContext): RawItem[] {
  const base = durationMs(def.params.deadline);
  // A wait's line: the pack's, or a calendar extension's for the day it opens (docs/calendars.md item 4).
  const lineOf = (open: number) => itemLine(x, open, base);
  const hours = dailyHours(def.params.serviceHours);
  const days = new Map<number, { open: number; missed?: Wait; pending?: number; waits: Wait[] }>();
  for (const w of waits(c)) {
    if (!inHours(w.open, hours)) continue;
    const d = dayNumber(w.open);
    let s = days.get(d);
    if (!s) days.set(d, (s = { open: w.open, waits: [] }));
    s.waits.push(w);
    const deadline = w.open + lineOf(w.open).ms;
    if (w.end !== undefined ? w.end > deadline : deadline <= x.asOf) s.missed ??= w;
    else if (w.end === undefined) s.pending = Math.min(s.pending ?? deadline, deadline);
  }
  return [...days.values()].map((s) => {
    const moments = s.waits.flatMap(waitMoments);
    if (s.missed) {
      const w = s.missed;
      const why = join(
        w.end === undefined
          ? say(`a message unanswered ${duration(lineOf(w.open).ms).en}`, `有消息${duration(lineOf(w.open).ms)["zh-CN"]}未回复`)
          : say(`a message answered after ${duration(w.end - w.open).en}`, `有消息${duration(w.end - w.open)["zh-CN"]}后回复`),
        lineOf(w.open).why,
      );
      return consumer(c, { outcome: "bad", at: s.open, moments, why, n: 0, d: 1 });
    }
    if (s.pending !== undefined)
      // A consumer-day counts as answered until a wait of it is missed (contrib.ts: denominator minus bad).
      return consumer(c, {
        outcome: "pending",
        at: s.open,
        moments,
        why: say(`awaiting a reply; ${duration(s.pending - x.asOf).en} left`, `待回复；剩余${duration(s.pending - x.asOf)["zh-CN"]}`),
        n: 1,
        d: 1,
      });
    return consumer(c, {
      outcome: "good",
      at: s.open,
      moments,
      why: join(say("every message answered in time", "所有消息均及时回复"), lineOf(s.open).why),
      n: 1,
      d: 1,
    });
  });
}

export function avgResponseItems({ c }: ConsumerView, def: DefOf<"avg_response_seconds">, x: ItemContext): RawItem[] {
  const cap = durationMs(def.params.cap);
  const hours = dailyHours(def.params.serviceHours);
  const l = meanLine(x.limits);
  const lineWhy = l === undefined ? [] : [say(`line ${l} s`, `线${l}秒`)];
  return waits(c).flatMap((w) => {
    if (!inHours(w.open, hours)) return [];
    const moments = waitMoments(w);
    if (w.end === undefined && w.open + cap > x.asOf)
      return [
        session(c, w.open, {
          outcome: "pending",
          at: w.open,
          moments,
          why: say(`awaiting a reply for ${duration(x.asOf - w.open).en}`, `已等待回复${duration(x.asOf - w.open)["zh-CN"]}`),
          n: 0,
          d: 0,
        }),
      ];
    const ms = Math.min(w.end === undefined ? cap : w.end - w.open, cap);
    const why = join(
      w.end === undefined
        ? say(`unanswered, counted ${duration(cap).en}`, `未回复，按${duration(cap)["zh-CN"]}计`)
        : say(`answered after ${duration(w.end - w.open).en}`, `${duration(w.end - w.open)["zh-CN"]}后回复`),
      ...lineWhy,
    );
    return [session(c, w.open, { outcome: meanOutcome(def, x.limits, ms / 1000), at: w.open, moments, why, n: ms / 1000, d: 1 })];
  });
}

export function firstResponseItems({ c }: ConsumerView, def: DefOf<"first_response_sessions">, x: ItemContext): RawItem[] {
  const base = durationMs(def.params.responseWithin);
  const hours = dailyHours(def.params.serviceHours);
  return sessions(c, durationMs(def.params.sessionGap)).flatMap((s) => {
    if (!inHours(s.open, hours)) return [];
    const { ms: within, why: withinWhy } = itemLine(x, s.open, base);
    const deadline = s.open + within;
    const moments = [
      { name: "consumer_message", at: s.open },
      ...(s.firstReply === undefined ? [] : [{ name: "reply", at: s.firstReply }]),
    ];
    if (s.firstReply !== undefined && s.firstReply <= deadline)
      return [
        session(c, s.open, {
          outcome: rateOutcome(def, true),
          at: s.open,
          moments,
          why: join(
            say(`first reply after ${duration(s.firstReply - s.open).en}`, `${duration(s.firstReply - s.open)["zh-CN"]}后首次回复`),
            withinWhy,
          ),
          n: 1,
          d: 1,
        }),
      ];
    if (s.firstReply !== undefined || deadline <= x.asOf) {
      const why =
        s.firstReply !== undefined
          ? say(`first reply after ${duration(s.firstReply - s.open).en}`, `${duration(s.firstReply - s.open)["zh-CN"]}后首次回复`)
          : say(`no reply within ${duration(within).en}`, `${duration(within)["zh-CN"]}内未回复`);
      return [session(c, s.open, { outcome: rateOutcome(def, false), at: s.open, moments, why: join(why, withinWhy), n: 0, d: 1 })];
    }
    return [
      session(c, s.open, {
        outcome: "pending",
        at: s.open,
        moments,
        why: say(
          `awaiting a first reply; ${duration(deadline - x.asOf).en} left`,
          `待首次回复；剩余${duration(deadline - x.asOf)["zh-CN"]}`,
        ),
        n: 0,
        d: 0,
      }),
    ];
  });
}

export function ratingShareItems({ c, ratings }: ConsumerView, def: DefOf<"rating_share">): RawItem[] {
  const hours = def.params.serviceHours ? dailyHours(def.params.serviceHours) : undefined;
  return ratings.flatMap((r) => {
    if (r.robot || (hours && !inHours(r.cardSentAt, hours)) || !def.params.ratings.includes(r.rating)) return [];
    const hit = def.params.good.includes(r.rating);
    return [
      session(c, r.cardSentAt, {
        outcome: rateOutcome(def, hit),
        at: r.cardSentAt,
        moments: [
          { name: "card_sent", at: r.cardSentAt },
          { name: "rated", at: r.at },
        ],
        why: say(`rated ${r.rating}`, `评价为${r.rating}`),
        n: hit ? 1 : 0,
        d: 1,
      }),
    ];
  });
}

/** JD's 售后评价得分: each human session's rating, its points on the pack's scale (robots left out), by its card's day. */
export function ratingScoreItems({ c, ratings }: ConsumerView, def: DefOf<"rating_score_mean">, x: ItemContext): RawItem[] {
  const l = meanLine(x.limits);
  return ratings.flatMap((r) => {
    const points = def.params.scores[r.rating];
    if (r.robot || points === undefined) return [];
    return [
      session(c, r.cardSentAt, {
        outcome: meanOutcome(def, x.limits, points),
        at: r.cardSentAt,
        moments: [
          { name: "card_sent", at: r.cardSentAt },
          { name: "rated", at: r.at },
        ],
        why: join(
          say(`rated ${r.rating}: ${points} points`, `评价为${r.rating}：${points}分`),
          ...(l === undefined ? [] : [say(`line ${l}`, `线${l}`)]),
        ),
        n: points,
        d: 1,
      }),
    ];
  });
}

export function imputedItems({ c }: ConsumerView, def: DefOf<"imputed_response_mean">, x: ItemContext): RawItem[] {
  const l = meanLine(x.limits);
  return imputedRounds(c, def, x.asOf).map((r) => {
    const moments = [{ name: "consumer_message", at: r.open }];
    if (r.value === undefined)
      return session(c, r.open, {
        outcome: "pending",
        at: r.open,
        moments: [...moments, { name: "deadline", at: r.deadline }],
        why: say("awaiting a reply", "待回复"),
        n: 0,
        d: 0,
      });
    const seconds = r.value / 1000;
    const why = join(
      say(`counted ${duration(r.value).en}`, `计${duration(r.value)["zh-CN"]}`),
      ...(l === undefined ? [] : [say(`line ${l} s`, `线${l}秒`)]),
    );
    return session(c, r.open, { outcome: meanOutcome(def, x.limits, seconds), at: r.open, moments, why, n: seconds, d: 1 });
  });
}

export function buyerReplyItems({ c }: ConsumerView, def: DefOf<"buyer_reply_rate">, x: ItemContext): RawItem[] {
  const rounds = buyerRounds(c, def, x.asOf);
  const last = rounds.at(-1);
  if (!last) return [];
  const missed = rounds.filter((r) => r.missed && inRange(r.open, x.window));
  const open = rounds.filter((r) => r.deadline !== undefined);
  const lineMs = durationMs(def.params.deadline);
  const moments = rounds.map((r) => ({ name: "consumer_message", at: r.open }));
  // Counted on the day of the buyer's last round; bad when a missed round is in the window (contrib.ts).
  if (missed.length > 0)
    return [
      consumer(c, {
        outcome: "bad",
        at: last.open,
        moments,
        why: join(say(`${missed.length} round(s) not answered in time`, `${missed.length}轮未及时回复`), line(lineMs)),
        n: 0,
        d: 1,
      }),
    ];
  if (open.length > 0 && !rounds.some((r) => r.missed && inRange(r.open, x.window)))
    return [consumer(c, { outcome: "pending", at: last.open, moments, why: say("awaiting a reply", "待回复"), n: 1, d: 1 })];
  return [
    consumer(c, {
      outcome: "good",
      at: last.open,
      moments,
      why: join(say("every round answered in time", "每轮均及时回复"), line(lineMs)),
      n: 1,
      d: 1,
    }),
  ];
}

export function serviceScoreItems({ c, ratings }: ConsumerView, def: DefOf<"jd_service_score">): RawItem[] {
  // The satisfaction component counts bad ratings when there are few (metrics.md jd@2023-01).
  return ratings
    .filter((r) => !r.robot && def.params.satisfaction.badRatings.includes(r.rating))
    .map((r) =>
      session(c, r.cardSentAt, {
        outcome: "bad",
        at: r.cardSentAt,
        moments: [
          { name: "card_sent", at: r.cardSentAt },
          { name: "rated", at: r.at },
        ],
        why: say(`rated ${r.rating}`, `评价为${r.rating}`),
        n: 1,
        d: 0,
      }),
    );
}
