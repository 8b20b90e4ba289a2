import { ConfigError, parseScoreguardConfig } from "@sg/config";
import { describe, expect, it } from "vitest";
import { checkScoreConfig } from "./startup.js";

describe("the processor's start-up check of the score configuration", () => {
  it("passes without any score configuration, and with latest", () => {
    expect(() => checkScoreConfig({})).not.toThrow();
    expect(() => checkScoreConfig(parseScoreguardConfig({ packs: { douyin: "latest", pdd: "latest" } }))).not.toThrow();
  });

  it("refuses an unknown pack, a declared pack and an unknown industry, naming each path", () => {
    const config = parseScoreguardConfig({
      packs: { douyin: "douyin@2031-01", jd: "jd@2024" },
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
      "packs.jd: rule pack jd@2024 is declared but not selectable yet",
      'shops["douyin:x"].industry: unknown industry "toys"',
    ]);
  });

  it("accepts the Douyin packs of 2026 by name and through latest", () => {
    for (const pack of ["douyin@2026-05", "douyin@2026-07", "douyin@2026-09"])
      expect(() => checkScoreConfig(parseScoreguardConfig({ shops: { "douyin:x": { pack } } }))).not.toThrow();
  });
});
