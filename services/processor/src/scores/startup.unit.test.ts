import { ConfigError, parseScoreguardConfig } from "@sg/config";
import { loadRulePacks, parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { checkScoreConfig } from "./startup.js";

describe("the processor's start-up check of the score configuration", () => {
  it("passes without any score configuration, and with latest", () => {
    expect(() => checkScoreConfig({})).not.toThrow();
    expect(() => checkScoreConfig(parseScoreguardConfig({ packs: { douyin: "latest", pdd: "latest" } }))).not.toThrow();
  });

  it("refuses an unknown pack and an unknown industry, naming each path", () => {
    const config = parseScoreguardConfig({
      packs: { douyin: "douyin@2031-01", jd: "jd@2031-01" },
      shops: { "douyin:x": { industry: "toys" } },
    });
    let err: unknown;
    try {
      checkScoreConfig(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).problems.map((p) => `${p.path}: ${p.reason.split(" (known")[0]!.split(": ")[0]}`);
    expect(lines).toEqual([
      'packs.douyin: unknown rule pack "douyin@2031-01"',
      'packs.jd: unknown rule pack "jd@2031-01"',
      'shops["douyin:x"].industry: unknown industry "toys"',
    ]);
  });

  it("refuses a declared pack (written down, its kinds not built), naming its path", () => {
    const packs = loadRulePacks();
    const declared = parseRulePack({ ...structuredClone(packs.get("jd@2024")!), id: "jd@2031", status: "declared", note: "test" });
    expect(() => checkScoreConfig(parseScoreguardConfig({ packs: { jd: "jd@2031" } }), new Map(packs).set(declared.id, declared))).toThrow(
      /packs\.jd: rule pack jd@2031 is declared but not selectable yet/,
    );
  });

  it("accepts the Douyin packs of 2026 and jd@2024 by name and through latest", () => {
    for (const pack of ["douyin@2026-05", "douyin@2026-07", "douyin@2026-09", "jd@2024"])
      expect(() => checkScoreConfig(parseScoreguardConfig({ shops: { [`${pack.split("@")[0]}:x`]: { pack } } }))).not.toThrow();
    expect(() => checkScoreConfig(parseScoreguardConfig({ packs: { jd: "latest" } }))).not.toThrow();
  });
});
