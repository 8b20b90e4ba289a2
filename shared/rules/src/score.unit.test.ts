import { describe, expect, it } from "vitest";
import { loadRulePacks, parseRulePack, RulePackError } from "./loader.js";
import { packSelectionIssues, resolvePack, scoreConfigIssues } from "./select.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pack file as parsed JSON, changed freely by the tests
type Json = Record<string, any>;

const packs = loadRulePacks();
const seedJson = () => structuredClone(packs.get("douyin@2023-06")!) as Json;
/** A declared pack (none ships today): written down from the rules, not selectable. */
const DECLARED = parseRulePack({
  ...structuredClone(packs.get("douyin@2023-06")!),
  id: "douyin@2031-02",
  effective: "2031-02-01",
  status: "declared",
  note: "test: its kinds are not built",
});

/** The message of the error parsing `json` throws. */
function problem(json: unknown): string {
  try {
    parseRulePack(json, "test.json");
  } catch (e) {
    expect(e).toBeInstanceOf(RulePackError);
    return (e as Error).message;
  }
  throw new Error("parsed");
}

describe("score models are validated at load, naming the path", () => {
  it("every shipped pack parses; the seed's composite weighs 40/20/40", () => {
    expect([...packs.keys()].sort()).toEqual([
      "douyin@2023-06",
      "douyin@2026-05",
      "douyin@2026-07",
      "douyin@2026-09",
      "jd@2023-01",
      "jd@2024",
      "kuaishou@2023-03",
      "pdd@2020-02",
      "pdd@2026",
    ]);
    const d = packs.get("douyin@2023-06")!.score!.dimensions;
    expect([d.goods!.weight, d.logistics!.weight, d.service!.weight]).toEqual([40, 20, 40]);
  });

  it("dimension weights not summing to 100", () => {
    const j = seedJson();
    j.score.dimensions.goods.weight = 30;
    expect(problem(j)).toBe("test.json: score.dimensions: weights sum to 90, not 100");
  });

  it("in-dimension weights not summing to 100", () => {
    const j = seedJson();
    j.score.dimensions.goods.weights = { bad_review_rate: 50, quality_return_rate: 40 };
    expect(problem(j)).toBe("test.json: score.dimensions.goods.weights: weights sum to 90, not 100");
  });

  it("a bad effective date", () => {
    expect(problem({ ...seedJson(), effective: "2026-02-30" })).toBe("test.json: effective: must be a date YYYY-MM-DD");
    expect(problem({ ...seedJson(), effective: "2026/05/07" })).toBe("test.json: effective: must be a date YYYY-MM-DD");
  });

  it("an indicator naming no metric, or in no dimension, or a point scale out of order", () => {
    const j = seedJson();
    j.score.indicators.bad_review_rate.metric = "nope";
    expect(problem(j)).toBe('test.json: score.indicators.bad_review_rate.metric: refers to unknown metric "nope"');
    const k = seedJson();
    k.score.dimensions.goods.indicators = ["bad_review_rate"];
    expect(problem(k)).toBe("test.json: score.indicators.quality_return_rate: is in no dimension");
    const l = seedJson();
    l.score.points = [50, 70, 60];
    expect(problem(l)).toBe("test.json: score.points: points must be strictly ascending");
  });

  it("a declared pack must say why it is not selectable", () => {
    const j = structuredClone(DECLARED) as Json;
    delete j.note;
    expect(problem(j)).toBe("test.json: note: a declared pack says why it is not selectable");
  });
});

describe("pack selection", () => {
  it("without a choice the seed pack; latest, the shipped pack in force on the day", () => {
    expect(resolvePack({}, "douyin:x", "2026-10-01").id).toBe("douyin@2023-06");
    const latest = (day: string) => resolvePack({ packs: { douyin: "latest" } }, "douyin:x", day).id;
    expect(latest("2026-05-06")).toBe("douyin@2023-06");
    expect(latest("2026-05-07")).toBe("douyin@2026-05");
    expect(latest("2026-07-13")).toBe("douyin@2026-05");
    expect(latest("2026-07-14")).toBe("douyin@2026-07");
    expect(latest("2026-09-07")).toBe("douyin@2026-07");
    expect(latest("2026-09-08")).toBe("douyin@2026-09");
    expect(resolvePack({ shops: { "douyin:x": { pack: "douyin@2026-07" } } }, "douyin:x", "2026-10-01").id).toBe("douyin@2026-07");
    const jd = (day: string) => resolvePack({ packs: { jd: "latest" } }, "jd:x", day).id;
    expect(jd("2023-12-31")).toBe("jd@2023-01");
    expect(jd("2024-01-01")).toBe("jd@2024");
    expect(jd("2026-10-01")).toBe("jd@2024");
  });

  it("latest picks the newest selectable pack in force on the day", () => {
    const mine = new Map(packs);
    const active = parseRulePack({ ...structuredClone(packs.get("douyin@2023-06")!), id: "douyin@2026-05", effective: "2026-05-07" });
    mine.set(active.id, active);
    expect(resolvePack({ packs: { douyin: "latest" } }, "douyin:x", "2026-05-06", mine).id).toBe("douyin@2023-06");
    expect(resolvePack({ packs: { douyin: "latest" } }, "douyin:x", "2026-05-07", mine).id).toBe("douyin@2026-05");
    // A shop's choice wins over the platform's.
    expect(
      resolvePack({ packs: { douyin: "latest" }, shops: { "douyin:x": { pack: "douyin@2023-06" } } }, "douyin:x", "2026-06-01", mine).id,
    ).toBe("douyin@2023-06");
  });

  it("an unknown pack, or a declared one, is an issue naming the path", () => {
    expect(packSelectionIssues({ packs: { douyin: "douyin@2031-01" } })).toEqual([
      { path: ["packs", "douyin"], message: expect.stringMatching(/^unknown rule pack "douyin@2031-01" \(known: douyin@2023-06, /) },
    ]);
    const mine = new Map(packs).set(DECLARED.id, DECLARED);
    const [declared] = packSelectionIssues({ shops: { "douyin:x": { pack: "douyin@2031-02" } } }, mine);
    expect(declared!.path).toEqual(["shops", "douyin:x", "pack"]);
    expect(declared!.message).toMatch(/^rule pack douyin@2031-02 is declared but not selectable yet: /);
    // A declared pack is never latest, even once in force.
    expect(resolvePack({ packs: { douyin: "latest" } }, "douyin:x", "2031-03-01", mine).id).toBe("douyin@2026-09");
    expect(packSelectionIssues({ packs: { douyin: "douyin@2026-09" } })).toEqual([]);
    expect(packSelectionIssues({ packs: { douyin: "latest", jd: "jd@2023-01" } })).toEqual([]);
    expect(packSelectionIssues({ packs: { jd: "jd@2024" }, shops: { "jd:y": { pack: "jd@2024" } } })).toEqual([]);
  });
});

describe("score parameters are checked against the packs", () => {
  const lines = [0.005, 0.01, 0.015, 0.02, 0.03];
  const table = (bands: Record<string, { lines: number[] }>) => ({
    scoreParameters: { "douyin@2023-06": { tea: { points: [50, 60, 70, 80, 90, 100], bands } } },
  });

  it("accepts lines in order for the indicator's direction", () => {
    expect(scoreConfigIssues(table({ bad_review_rate: { lines }, pickup_24h_rate: { lines: [0.98, 0.96, 0.94, 0.92, 0.9] } }))).toEqual([]);
  });

  it("overlapping bands: lines out of order for the direction", () => {
    expect(scoreConfigIssues(table({ pickup_24h_rate: { lines: [0.9, 0.92, 0.94, 0.96, 0.98] } }))).toEqual([
      {
        path: ["scoreParameters", "douyin@2023-06", "tea", "bands", "pickup_24h_rate", "lines"],
        message: "bands overlap: lines must be strictly descending (best band first)",
      },
    ]);
    expect(scoreConfigIssues(table({ bad_review_rate: { lines: [0.005, 0.005, 0.015, 0.02, 0.03] } }))[0]!.message).toMatch(
      /bands overlap/,
    );
  });

  it("a line count that does not fit the point scale, an unknown indicator, an unknown pack", () => {
    expect(scoreConfigIssues(table({ bad_review_rate: { lines: [0.01, 0.02] } }))[0]).toEqual({
      path: ["scoreParameters", "douyin@2023-06", "tea", "bands", "bad_review_rate", "lines"],
      message: "6 points need 5 lines, got 2",
    });
    expect(scoreConfigIssues(table({ nope: { lines } }))[0]!.path).toEqual(["scoreParameters", "douyin@2023-06", "tea", "bands", "nope"]);
    expect(scoreConfigIssues({ scoreParameters: { "douyin@2099-01": {} } })[0]).toEqual({
      path: ["scoreParameters", "douyin@2099-01"],
      message: 'unknown rule pack "douyin@2099-01"',
    });
  });

  it("an unknown industry", () => {
    expect(scoreConfigIssues({ ...table({}), shops: { "douyin:x": { industry: "toys" } } })).toEqual([
      { path: ["shops", "douyin:x", "industry"], message: 'unknown industry "toys": no scoreParameters table of a douyin pack has it' },
    ]);
    expect(scoreConfigIssues({ ...table({}), shops: { "douyin:x": { industry: "tea" } } })).toEqual([]);
  });
});

describe("score inputs", () => {
  it("must name what the shop's pack grants or deducts", () => {
    // The contract-v1 Douyin pack declares no bonuses: an input for one is a mistake, not silently ignored.
    expect(scoreConfigIssues({ shops: { "douyin:x": { scoreInputs: { bonuses: { freight_insurance: true } } } } })).toEqual([
      {
        path: ["shops", "douyin:x", "scoreInputs", "bonuses", "freight_insurance"],
        message: "not one of the bonuses of douyin@2023-06 (none)",
      },
    ]);
    expect(scoreConfigIssues({ shops: { "douyin:x": { scoreInputs: {} } } })).toEqual([]);
  });
});
