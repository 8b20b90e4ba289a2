import { describe, expect, it } from "vitest";
import type { CanonicalEvent, Platform } from "@sg/events";
import { evaluateShop } from "../engine/index.js";
import { mulberry32, randomStream } from "../testing/random-events.js";
import { chatCutoff, droppableChatEvents } from "./chat-compaction.js";

/**
 * The compaction is exact: for random chat-heavy streams, dropping what it drops changes no metric at any
 * moment from the cutoff's next day on, also when part of the history arrives late, after a first compaction.
 */
const compact = (events: CanonicalEvent[], cutoff: number) => {
  const drop = new Set(droppableChatEvents(events, cutoff));
  return events.filter((e) => !drop.has(e.id));
};

describe("chat compaction", () => {
  const PLATFORMS: Platform[] = ["kuaishou", "douyin", "jd", "pdd"];
  it.each(Array.from({ length: 24 }, (_, i) => i))("random stream %i: same results, fewer events", (seed) => {
    const platform = PLATFORMS[seed % 4]!;
    const asOf = Date.parse("2026-03-04T20:00:00+08:00") + seed * 1_700_000;
    const start = asOf - 3 * 86_400_000;
    const events = randomStream({ seed: 500 + seed, platform, shopId: "c", startMs: start, consumers: 80, orders: 5 });
    // Days 2-3 of the stream also get more chat, so that today has waits and sessions to count.
    events.push(
      ...randomStream({
        seed: 900 + seed,
        platform,
        shopId: "c",
        startMs: asOf - 30 * 3_600_000,
        consumers: 40,
        orders: 0,
        idPrefix: "t",
      }).filter((e) => Number(e.at) <= asOf),
    );
    const cutoff = chatCutoff(asOf);
    const full = evaluateShop({ platform, shopId: "c", events, asOf }).snapshot;

    const once = compact(events, cutoff);
    expect(once.length).toBeLessThan(events.length);
    expect(evaluateShop({ platform, shopId: "c", events: once, asOf }).snapshot).toEqual(full);

    // Late arrivals: a random third of the events arrives after a first compaction of the rest.
    const rnd = mulberry32(seed);
    const late = events.filter(() => rnd() < 0.33);
    const lateIds = new Set(late.map((e) => e.id));
    const early = compact(
      events.filter((e) => !lateIds.has(e.id)),
      cutoff,
    );
    const merged = compact([...early, ...late], cutoff);
    expect(evaluateShop({ platform, shopId: "c", events: merged, asOf }).snapshot).toEqual(full);
    expect(evaluateShop({ platform, shopId: "c", events: [...early, ...late], asOf }).snapshot).toEqual(full);
  });

  it("keeps an unanswered wait that still blocks today's first message", () => {
    const e = (id: string, type: string, at: string, extra: Record<string, unknown> = {}) =>
      ({ id, type, platform: "kuaishou", shopId: "s", consumerId: "u", at, ...extra }) as unknown as CanonicalEvent;
    const events = [
      e("t", "chat.transferred", "2026-03-01T10:00:00+08:00"),
      e("m1", "chat.message", "2026-03-01T10:00:01+08:00", { sender: "consumer" }),
      e("r1", "chat.message", "2026-03-01T10:00:30+08:00", { sender: "agent" }),
      e("m2", "chat.message", "2026-03-01T10:05:00+08:00", { sender: "consumer" }),
      e("x", "chat.message", "2026-03-01T10:06:00+08:00", { sender: "robot" }),
      e("m3", "chat.message", "2026-03-04T10:00:00+08:00", { sender: "consumer" }),
    ];
    const asOf = Date.parse("2026-03-04T12:00:00+08:00");
    expect(droppableChatEvents(events, chatCutoff(asOf)).sort()).toEqual(["m1", "x"]);
    // m2's wait is still open, so m3 opens no wait today: no counted consumer.
    const kept = compact(events, chatCutoff(asOf));
    expect(
      evaluateShop({ platform: "kuaishou", shopId: "s", events: kept, asOf }).snapshot.metrics.human_reply_3min_rate?.denominator,
    ).toBe(0);
  });
});
