import { describe, expect, it } from "vitest";
import { ownCostMs } from "./evaluation-loop.js";

describe("an evaluation's own cost (the passes' throttle)", () => {
  it("is its wall time when it ran alone", () => {
    expect(ownCostMs(40, 1, 1)).toBe(40);
  });

  it("is its share of the wall time when others ran beside it", () => {
    // 64 under way from start to end: each had a 64th of the 128 ms.
    expect(ownCostMs(128, 64, 64)).toBe(2);
    // Started with 63 others, ended with 15 others: shared by 40 on average.
    expect(ownCostMs(200, 64, 16)).toBe(5);
  });

  it("never counts fewer than itself", () => {
    expect(ownCostMs(10, 0, 0)).toBe(10);
  });
});
