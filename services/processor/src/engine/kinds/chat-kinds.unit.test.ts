// Chat metric kinds, each case computed by hand from ../shared/spec/metrics.md ("Shared definitions": human
// stage, wait; kuaishou/pdd `human_reply_3min_rate`, douyin `avg_response_seconds`, jd `first_response_30s_rate`).
import { describe, expect, it } from "vitest";
import { shopEvents } from "../../../../../test/src/engine-fixtures.js";

const day = (hms: string) => `2026-03-02T${hms}+08:00`;

describe("reply_consumer_day (kuaishou human_reply_3min_rate: per consumer-day, 180 s, waits opened in [08:00, 23:00))", () => {
  it("counts consumers, not waits; robots without assist never end a wait; a consumer still within the deadline is pending", () => {
    const s = shopEvents("kuaishou");
    const chat = (c: string, at: string, sender: string, extra: Record<string, unknown> = {}) =>
      s.ev("chat.message", day(at), { consumerId: c, sender, ...extra });
    for (const c of ["a", "b", "e", "d"]) s.ev("chat.transferred", day("09:59:00"), { consumerId: c });
    // a: replied after 110 s → good.
    chat("a", "10:00:10", "consumer");
    chat("a", "10:02:00", "agent");
    // b: one wait answered after 210 s → missed; a later answered wait does not undo it.
    chat("b", "10:01:00", "consumer");
    chat("b", "10:04:30", "agent");
    chat("b", "10:30:00", "consumer");
    chat("b", "10:30:05", "agent");
    // e: a plain robot message does not end the wait, an assist robot message 120 s after it does → good.
    chat("e", "10:10:00", "consumer");
    chat("e", "10:10:30", "robot");
    chat("e", "10:12:00", "robot", { assist: true });
    // d: waiting 30 s at asOf, deadline ahead → pending: a consumer of the day not (yet) missed, as in the
    // worked example ../shared/examples/kuaishou-chat-day (2/3 with one pending consumer).
    chat("d", "11:59:30", "consumer");
    // c: a wait opened before 08:00 is not counted.
    s.ev("chat.transferred", day("07:40:00"), { consumerId: "c" });
    chat("c", "07:50:00", "consumer");
    chat("c", "07:59:00", "agent");

    const m = s.metric("human_reply_3min_rate", day("12:00:00"));
    // 4 consumers with a counted wait, b missed: 3/4 = 0.75, above the 0.70 line, below the 0.85 target.
    expect(m).toMatchObject({ numerator: 3, denominator: 4, pending: 1, value: 0.75, status: "warning" });
  });

  it("a message outside the human stage opens no wait", () => {
    const s = shopEvents("kuaishou");
    s.ev("chat.message", day("10:00:00"), { consumerId: "x", sender: "consumer" }); // before any transfer
    s.ev("chat.transferred", day("10:05:00"), { consumerId: "x" });
    s.ev("chat.closed", day("10:06:00"), { consumerId: "x" });
    s.ev("chat.message", day("10:07:00"), { consumerId: "x", sender: "consumer" }); // after the close
    expect(s.metric("human_reply_3min_rate", day("12:00:00"))).toMatchObject({ value: null, denominator: 0, status: "no_data" });
  });
});

describe("avg_response_seconds (douyin: waits opened in [08:00, 23:00), capped at 600 s, open under 600 s pending)", () => {
  it("means answered and capped waits, and leaves young open waits out as pending", () => {
    const s = shopEvents("douyin");
    for (const c of ["a", "b", "c", "d"]) s.ev("chat.transferred", day("09:00:00"), { consumerId: c });
    s.ev("chat.message", day("10:00:00"), { consumerId: "a", sender: "consumer" });
    s.ev("chat.message", day("10:00:30"), { consumerId: "a", sender: "agent" }); // 30 s
    s.ev("chat.message", day("10:00:00"), { consumerId: "b", sender: "consumer" });
    s.ev("chat.message", day("10:11:40"), { consumerId: "b", sender: "agent" }); // 700 s → 600
    s.ev("chat.message", day("11:00:00"), { consumerId: "c", sender: "consumer" }); // open 3600 s at asOf → 600
    s.ev("chat.message", day("11:58:20"), { consumerId: "d", sender: "consumer" }); // open 100 s → pending
    const m = s.metric("avg_response_seconds", day("12:00:00"));
    expect(m).toMatchObject({ numerator: 1230, denominator: 3, pending: 1, status: "warning" });
    expect(m.value).toBeCloseTo(410, 9);
  });
});

describe("first_response_sessions (jd first_response_30s_rate: sessions split by 10 min of silence, opened in [09:00, 23:00), 30 s)", () => {
  it("opens a session after silence, judges its first consumer message only", () => {
    const s = shopEvents("jd");
    const msg = (c: string, at: string, sender: string) => s.ev("chat.message", day(at), { consumerId: c, sender });
    msg("a", "10:00:00", "consumer");
    msg("a", "10:00:20", "agent"); // responded within 30 s
    msg("a", "10:05:00", "consumer"); // 4 min 40 s after the last message: same session
    msg("b", "10:00:00", "consumer");
    msg("b", "10:00:45", "agent"); // 45 s: not responded
    msg("b", "10:20:00", "consumer"); // over 10 min of silence: a new session
    msg("b", "10:20:10", "agent"); // responded
    msg("c", "08:30:00", "consumer"); // opens before 09:00: not counted
    const m = s.metric("first_response_30s_rate", day("12:00:00"));
    expect(m).toMatchObject({ numerator: 2, denominator: 3 });
    expect(m.value).toBeCloseTo(2 / 3, 12);
  });
});
