import { describe, expect, it } from "vitest";
import { ForecastThrottle, FORECAST_EVERY_MS } from "./forecast-reader.js";

/** Asia/Shanghai 2026-03-10 10:00. */
const NOW = Date.parse("2026-03-10T10:00:00+08:00");

describe("the forecast throttle's `due` (whether the evaluation carries the forecast's read)", () => {
  it("says due exactly when `get` computes", async () => {
    const t = new ForecastThrottle();
    let computed = 0;
    const compute = async () => {
      computed++;
      return { metrics: {} };
    };
    const step = async (now: number) => {
      const due = t.due("s", now);
      const before = computed;
      await t.get("s", now, compute);
      expect(computed - before, `at ${new Date(now).toISOString()}`).toBe(due ? 1 : 0);
      return due;
    };
    expect(await step(NOW)).toBe(true);
    expect(await step(NOW + 1_000)).toBe(false);
    expect(await step(NOW + FORECAST_EVERY_MS - 1)).toBe(false);
    expect(await step(NOW + FORECAST_EVERY_MS)).toBe(true);
    // A clock that went back computes again; so does a new Shanghai day.
    expect(await step(NOW)).toBe(true);
    expect(await step(Date.parse("2026-03-11T00:00:10+08:00"))).toBe(true);
    // Another shop is its own.
    expect(t.due("other", NOW)).toBe(true);
  });
});
