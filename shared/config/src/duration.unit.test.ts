import { describe, expect, it } from "vitest";
import { DurationError, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["60s", 60_000],
    ["5m", 300_000],
    ["4h", 14_400_000],
    ["1h30m", 5_400_000],
    ["1d", 86_400_000],
    ["1m30s", 90_000],
    ["2h0m5s250ms", 7_205_250],
    ["0s", 0],
    ["0", 0],
  ])("%s → %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(["", "30", "1.5h", "30 s", " 30s", "5m1h", "1h1h", "-5s", "5 m", "5M", "10sec", "ms", "1y", "99999999999999999999d"])(
    "refuses %j with a message that shows the accepted form",
    (input) => {
      expect(() => parseDuration(input)).toThrow(DurationError);
      expect(() => parseDuration(input)).toThrow(/invalid duration .*e\.g\. 500ms, 30s, 5m, 4h, 1h30m/);
    },
  );
});
