import { describe, expect, it } from "vitest";
import { humanStages, sessions, waits } from "./chat.js";
import type { ConsumerFacts } from "./model.js";

/** metrics.md "Shared definitions": human stage and waits; jd@2023-01 sessions. */
const c = (over: Partial<ConsumerFacts>): ConsumerFacts => ({ consumerId: "u", transfers: [], closes: [], messages: [], ...over });
const msg = (at: number, sender: "consumer" | "agent" | "robot", assist = false) => ({ at, sender, assist });

describe("human stage and waits", () => {
  it("a message at the instant of the transfer is inside; one at the close is outside", () => {
    const x = c({ transfers: [100], closes: [500], messages: [msg(100, "consumer"), msg(200, "agent"), msg(500, "consumer")] });
    expect(humanStages(x)).toEqual([{ start: 100, end: 500 }]);
    expect(waits(x)).toEqual([{ open: 100, end: 200 }]);
  });
  it("a second consumer message while a wait is open opens nothing; robots without assist do not reply", () => {
    const x = c({
      transfers: [0],
      messages: [msg(10, "consumer"), msg(20, "robot"), msg(30, "consumer"), msg(40, "robot", true), msg(50, "consumer")],
    });
    expect(waits(x)).toEqual([{ open: 10, end: 40 }, { open: 50 }]);
  });
  it("a reply at the same instant as the consumer message ends its wait at once", () => {
    const x = c({ transfers: [0], messages: [msg(10, "consumer"), msg(10, "agent")] });
    expect(waits(x)).toEqual([{ open: 10, end: 10 }]);
  });
  it("messages before the transfer and after the close open no wait", () => {
    const x = c({ transfers: [100], closes: [200], messages: [msg(50, "consumer"), msg(250, "consumer")] });
    expect(waits(x)).toEqual([]);
  });
});

describe("JD sessions", () => {
  const M = 60_000;
  it("a gap of over 10 minutes in either direction opens a new session; exactly 10 does not", () => {
    const x = c({
      messages: [msg(0, "consumer"), msg(25_000, "agent"), msg(25_000 + 10 * M, "consumer"), msg(25_000 + 20 * M + 1, "consumer")],
    });
    expect(sessions(x, 10 * M).map((s) => s.open)).toEqual([0, 25_000 + 20 * M + 1]);
    expect(sessions(x, 10 * M)[0]!.firstReply).toBe(25_000);
  });
  it("after a silence of over 10 minutes the consumer has no session: an agent's message opens none, the consumer's next does", () => {
    const x = c({
      messages: [msg(0, "consumer"), msg(M, "agent"), msg(3 * 24 * 60 * M, "agent"), msg(3 * 24 * 60 * M + 2 * M, "consumer")],
    });
    expect(sessions(x, 10 * M).map((s) => s.open)).toEqual([0, 3 * 24 * 60 * M + 2 * M]);
  });
  it("the consumer's first message opens a session even right after an agent's", () => {
    const x = c({ messages: [msg(0, "agent"), msg(M, "consumer")] });
    expect(sessions(x, 10 * M).map((s) => s.open)).toEqual([M]);
  });
});
