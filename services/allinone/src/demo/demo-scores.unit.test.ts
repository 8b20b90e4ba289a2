import { parseScoreguardConfig } from "@sg/config";
import { resolvePack, scoreConfigIssues } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { DEMO_DOUYIN_PACK, DEMO_SCORE_LINE, withDemoScores } from "./demo-scores.js";

describe("npm run demo's score configuration", () => {
  it("grades Douyin by the demo's pack, the demo shop with the sample parameters and a line", () => {
    const config = withDemoScores(parseScoreguardConfig({}));
    expect(config.packs).toEqual({ douyin: DEMO_DOUYIN_PACK });
    expect(DEMO_DOUYIN_PACK).toBe("douyin@2023-06");
    expect(config.shops["douyin:dy-tea-house"]).toMatchObject({ industry: "sample_industry", scoreLines: { total: DEMO_SCORE_LINE } });
    expect(config.scoreParameters?.["douyin@2023-06"]?.sample_industry?.sample).toBe(true);
    expect(resolvePack(config, "douyin:dy-tea-house", "2026-12-06").id).toBe("douyin@2023-06");
    expect(scoreConfigIssues(config)).toEqual([]);
  });

  it("keeps what the configuration already chose", () => {
    const config = withDemoScores(
      parseScoreguardConfig({ packs: { douyin: "douyin@2023-06" }, shops: { "douyin:dy-tea-house": { industry: "tea" } } }),
    );
    expect(config.packs?.douyin).toBe("douyin@2023-06");
    expect(config.shops["douyin:dy-tea-house"]!.industry).toBe("tea");
  });
});
