import { ConfigError, parseScoreguardConfig } from "@sg/config";
import { loadRulePacks, parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { scoreLinesFor } from "./context.js";
import { checkScoreConfig } from "./startup.js";

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.reason}`);
    throw e;
  }
  return [];
}

describe("score lines in the configuration", () => {
  it("a shop's lines override its platform's line by line; null removes one", () => {
    const config = parseScoreguardConfig({
      scoreLines: { douyin: { total: 85, stars: 4.5 } },
      shops: { "douyin:a": { scoreLines: { total: 88 } }, "douyin:b": { scoreLines: { stars: null } } },
    });
    expect(scoreLinesFor(config, "douyin:a")).toEqual({ total: 88, stars: 4.5 });
    expect(scoreLinesFor(config, "douyin:b")).toEqual({ total: 85 });
    expect(scoreLinesFor(config, "douyin:c")).toEqual({ total: 85, stars: 4.5 });
    expect(scoreLinesFor(config, "jd:x")).toBeUndefined();
  });

  it("wrong forms are errors naming the path", () => {
    expect(
      problems(() =>
        parseScoreguardConfig({
          scoreLines: { douyin: { total: -1 }, taobao: { total: 80 } },
          shops: { "douyin:a": { scoreLines: { stars: 6, totl: 80 } } },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^shops\["douyin:a"\]\.scoreLines\.stars: /),
      'shops["douyin:a"].scoreLines.totl: unknown key',
      expect.stringMatching(/^scoreLines\.douyin\.total: /),
      "scoreLines.taobao: unknown key",
    ]);
  });

  it("a star line for a pack that shows no stars is a start-up error naming the path", () => {
    const config = parseScoreguardConfig({ scoreLines: { douyin: { stars: 4 } }, shops: { "douyin:a": { scoreLines: { stars: 4.5 } } } });
    expect(problems(() => checkScoreConfig(config))).toEqual([
      "scoreLines.douyin.stars: rule pack douyin@2023-06 shows no stars; set a total line instead",
      'shops["douyin:a"].scoreLines.stars: rule pack douyin@2023-06 shows no stars; set a total line instead',
    ]);
    const mine = new Map(loadRulePacks());
    const json = structuredClone(mine.get("douyin@2023-06")!) as unknown as { score: Record<string, unknown> };
    mine.set("douyin@2023-06", parseRulePack({ ...json, score: { ...json.score, stars: { source: "test" } } }));
    expect(problems(() => checkScoreConfig(config, mine))).toEqual([]);
    expect(problems(() => checkScoreConfig(parseScoreguardConfig({ scoreLines: { douyin: { total: 85 } } })))).toEqual([]);
  });
});
