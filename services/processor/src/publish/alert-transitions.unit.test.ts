import { describe, expect, it } from "vitest";
import { nextSeq } from "./alert-transitions.js";

describe("nextSeq (an alert identity never reuses a seq)", () => {
  const t = Date.parse("2026-03-02T10:05:00+08:00");

  it("is the evaluation clock for a new identity, and for one whose stored seq is older", () => {
    expect(nextSeq(undefined, t)).toBe(t);
    expect(nextSeq(t - 60_000, t)).toBe(t);
  });

  it("is one more than the stored seq when the clock is not ahead of it", () => {
    expect(nextSeq(t, t)).toBe(t + 1);
    expect(nextSeq(t + 5, t - 1000)).toBe(t + 6);
  });

  it("after a loss of every stored state, stays above every seq issued before it", () => {
    // An identity flapping: fires and resolves at 250 ms evaluation passes, sometimes twice in one ms.
    const issued: number[] = [];
    let seq: number | undefined;
    for (let i = 0; i < 1000; i++) {
      const now = t + Math.floor(i / 2) * 250;
      seq = nextSeq(seq, now);
      issued.push(seq);
    }
    expect(new Set(issued).size).toBe(issued.length);
    // Redis loses the states; the next evaluation is later than the last one before the loss.
    const lastEval = t + Math.floor(999 / 2) * 250;
    const after = nextSeq(undefined, lastEval + 250);
    expect(after).toBeGreaterThan(Math.max(...issued));
  });
});
