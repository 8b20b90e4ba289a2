import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { parseScoreguardConfig } from "./load.js";

/** The problems of an invalid config, as `path: reason` lines. */
function problems(input: unknown): string[] {
  try {
    parseScoreguardConfig(input, "test");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.path}: ${p.reason}`);
  }
  throw new Error("parsed");
}

describe("score configuration", () => {
  it("accepts pack choices, shop classes and a parameter table", () => {
    const c = parseScoreguardConfig({
      packs: { douyin: "latest", jd: "jd@2023-01" },
      shops: {
        "douyin:x": { pack: "douyin@2023-06", industry: "tea", flagship: true, scoreInputs: { bonuses: { freight_insurance: true } } },
      },
      scoreParameters: {
        "douyin@2023-06": {
          tea: { sample: true, bands: { bad_review_rate: { lines: [0.01, 0.02] } }, weights: { goods: { a: 60, b: 40 } } },
        },
      },
    });
    expect(c.packs).toEqual({ douyin: "latest", jd: "jd@2023-01" });
    expect(c.shops["douyin:x"]?.industry).toBe("tea");
    // Without a choice: nothing chosen, every platform keeps its contract-v1 pack.
    expect(parseScoreguardConfig({}).packs).toBeUndefined();
  });

  it("names the path of a malformed choice, a pack of another platform, an unknown platform", () => {
    expect(problems({ packs: { douyin: "newest" } })).toEqual(['packs.douyin: must be "latest" or a rule pack id such as douyin@2026-07']);
    expect(problems({ packs: { douyin: "jd@2024" } })).toEqual(['packs.douyin: "jd@2024" is not a douyin rule pack']);
    expect(problems({ shops: { "douyin:x": { pack: "pdd@2026" } } })).toEqual([
      'shops["douyin:x"].pack: "pdd@2026" is not a douyin rule pack',
    ]);
    expect(problems({ packs: { taobao: "latest" } })).toEqual(["packs.taobao: unknown key"]);
  });

  it("weights not summing to 100, star lines out of order, lines that do not fit the points", () => {
    expect(problems({ scoreParameters: { "douyin@2023-06": { tea: { weights: { goods: { a: 60, b: 30 } } } } } })).toEqual([
      'scoreParameters["douyin@2023-06"].tea.weights.goods: weights must sum to 100',
    ]);
    expect(
      problems({
        scoreParameters: {
          "jd@2024": {
            food: {
              stars: [
                { min: 9, stars: 4.5 },
                { min: 8, stars: 4 },
              ],
            },
          },
        },
      }),
    ).toEqual(['scoreParameters["jd@2024"].food.stars: star lines must be ascending by min']);
    expect(problems({ scoreParameters: { "jd@2024": { food: { bands: { x: { lines: [1], points: [0, 5, 10] } } } } } })).toEqual([
      'scoreParameters["jd@2024"].food.bands.x.lines: 3 points need 2 lines',
    ]);
  });
});
