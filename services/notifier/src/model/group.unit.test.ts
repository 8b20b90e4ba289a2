import { describe, expect, it } from "vitest";
import { ackOutbox, applyRecord, evaluateGroup, forgetAlert, type GroupState, type MuteFn } from "./group.js";
import { ROUTE, create, record } from "../../testing/fixtures.js";

const T0 = Date.parse("2026-11-20T14:00:00+08:00");
const noMute: MuteFn = () => null;

function apply(s: GroupState | null, over: Parameters<typeof record>[0], now: number): GroupState | null {
  return applyRecord(s, record(over), now, ROUTE, create(now));
}
function tick(s: GroupState, now: number, mute: MuteFn = noMute) {
  return evaluateGroup(s, { now, route: ROUTE, mute, recheckMs: 10_000 });
}
function must<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error("expected a value");
  return v;
}

describe("group model", () => {
  it("waits group_wait, then flushes once to every receiver with a stable id", () => {
    const s = must(apply(null, {}, T0));
    expect(s.nextAt).toBe(T0 + 30_000);
    expect(tick(s, T0 + 29_999).notification).toBeNull();
    const r = tick(s, T0 + 30_000);
    const n = must(r.notification);
    expect(n.id).toBe("r0|shop=kuaishou%3As1#1");
    expect(n.status).toBe("firing");
    expect(n.alerts.map((a) => [a.key, a.status])).toEqual([["kuaishou:s1:human_reply_3min_rate:threshold", "firing"]]);
    const st = must(r.state);
    expect(Object.keys(st.outbox)).toEqual(["ding", "hook"]);
    // Unchanged: nothing until repeat_interval.
    expect(st.nextAt).toBe(T0 + 30_000 + 10_000); // outbox recheck
    const acked = must(ackOutbox(must(ackOutbox(st, "ding", new Set([n.id]))), "hook", new Set([n.id])));
    expect(acked.outbox).toEqual({});
    expect(tick(acked, T0 + 60_000).notification).toBeNull();
    expect(tick(acked, T0 + 30_000 + 4 * 3600_000).notification?.id).toBe("r0|shop=kuaishou%3As1#2");
  });

  it("ignores a record that is not newer (dedup, stale seq)", () => {
    const s = must(apply(null, { seq: 5 }, T0));
    expect(apply(s, { seq: 5, value: 0.1 }, T0 + 1)).toBe(s);
    expect(apply(s, { seq: 4, status: "resolved" }, T0 + 1)).toBe(s);
  });

  it("sends nothing for an alert that fires and resolves inside group_wait", () => {
    const s = must(apply(null, { seq: 1 }, T0));
    expect(apply(s, { seq: 2, status: "resolved" }, T0 + 5_000)).toBeNull();
  });

  it("sends resolved only after the firing went out, and only after resolve_after (hysteresis)", () => {
    let s = must(tick(must(apply(null, { seq: 1 }, T0)), T0 + 30_000).state);
    s = must(ackOutbox(must(ackOutbox(s, "ding", new Set(["r0|shop=kuaishou%3As1#1"]))), "hook", new Set(["r0|shop=kuaishou%3As1#1"])));
    // Resolves at +6 min: held for 60 s.
    s = must(apply(s, { seq: 2, status: "resolved", at: "2026-11-20T14:06:00+08:00" }, T0 + 360_000));
    expect(s.nextAt).toBe(T0 + 420_000);
    expect(tick(s, T0 + 400_000).notification).toBeNull();
    const r = tick(s, T0 + 420_000);
    const n = must(r.notification);
    expect(n.status).toBe("resolved");
    expect(n.alerts[0]?.endsAt).toBe("2026-11-20T14:06:00+08:00");
    expect(Object.keys(must(r.state).alerts)).toEqual([]);
  });

  it("does not produce fire/resolve pairs for a metric hovering on its line", () => {
    let s = must(tick(must(apply(null, { seq: 1 }, T0)), T0 + 30_000).state);
    s = must(ackOutbox(must(ackOutbox(s, "ding", new Set(["r0|shop=kuaishou%3As1#1"]))), "hook", new Set(["r0|shop=kuaishou%3As1#1"])));
    let sent = 0;
    let now = T0 + 60_000;
    for (let seq = 2; seq < 40; seq += 2) {
      s = must(apply(s, { seq, status: "resolved" }, now));
      now += 20_000;
      const r1 = tick(s, now);
      s = must(r1.state);
      if (r1.notification) sent++;
      s = must(apply(s, { seq: seq + 1 }, now));
      now += 20_000;
      const r2 = tick(s, now);
      s = must(r2.state);
      if (r2.notification) sent++;
    }
    expect(sent).toBe(0);
    expect(s.alerts["kuaishou:s1:human_reply_3min_rate:threshold"]?.phase).toBe("firing");
  });

  it("waits group_interval between updates, and sends a severity change as an update", () => {
    let s = must(tick(must(apply(null, { severity: "warning", seq: 1 }, T0)), T0 + 30_000).state);
    s = must(apply(s, { severity: "critical", seq: 2 }, T0 + 40_000));
    expect(s.nextAt).toBe(T0 + 330_000);
    expect(tick(s, T0 + 100_000).notification).toBeNull();
    const n = must(tick(s, T0 + 330_000).notification);
    expect(n.alerts[0]?.record.severity).toBe("critical");
  });

  it("holds muted alerts and flushes them once the mute lifts", () => {
    const s = must(apply(null, {}, T0));
    const quiet: MuteFn = () => ({ reason: "quiet", until: T0 + 3600_000 });
    const r = tick(s, T0 + 30_000, quiet);
    expect(r.notification).toBeNull();
    expect(must(r.state).nextAt).toBe(T0 + 3600_000);
    expect(tick(must(r.state), T0 + 3600_000).notification).not.toBeNull();
  });

  it("forgets an alert that moved elsewhere without notifying", () => {
    const s = must(apply(null, {}, T0));
    expect(forgetAlert(s, "kuaishou:s1:human_reply_3min_rate:threshold", T0, ROUTE)).toBeNull();
  });

  it("keeps a flushed notification until acknowledged, superseded by a newer one without losing resolves", () => {
    let s = must(tick(must(apply(null, { seq: 1 }, T0)), T0 + 30_000).state);
    s = must(ackOutbox(s, "hook", new Set(["r0|shop=kuaishou%3As1#1"])));
    s = must(apply(s, { seq: 1, metric: "human_good_review_rate" }, T0 + 31_000));
    s = must(tick(s, T0 + 30_000 + 300_000).state); // #2: both firing
    s = must(apply(s, { seq: 2, status: "resolved" }, T0 + 340_000));
    s = must(tick(s, T0 + 400_000).state); // resolve_after over, waiting for group_interval
    s = must(tick(s, T0 + 630_000).state); // #3: reply rate resolved, review rate firing
    s = must(apply(s, { seq: 2, metric: "human_good_review_rate", status: "resolved" }, T0 + 640_000));
    s = must(tick(s, T0 + 700_000).state);
    const r = tick(s, T0 + 930_000); // #4: review rate resolved
    s = must(r.state);
    // The robot "ding" took nothing yet: one notification, the newest, still carrying the earlier resolve.
    expect(s.outbox.ding?.map((n) => n.id)).toEqual(["r0|shop=kuaishou%3As1#4"]);
    expect(s.outbox.ding?.[0]?.alerts.map((a) => `${a.record.metric}:${a.status}`).sort()).toEqual([
      "human_good_review_rate:resolved",
      "human_reply_3min_rate:resolved",
    ]);
    expect(s.outbox.hook?.map((n) => n.id)).toEqual(["r0|shop=kuaishou%3As1#4"]);
    expect(ackOutbox(ackOutbox(s, "ding", new Set(["r0|shop=kuaishou%3As1#4"]))!, "hook", new Set(["r0|shop=kuaishou%3As1#4"]))).toBeNull();
  });
});
