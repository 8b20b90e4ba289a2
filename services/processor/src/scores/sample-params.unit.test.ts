import { fileURLToPath } from "node:url";
import { loadScoreguardConfig } from "@sg/config";
import { describe, expect, it } from "vitest";
import { checkScoreConfig } from "./startup.js";

describe("infra/scoreguard.scores-sample.yaml", () => {
  const config = loadScoreguardConfig(fileURLToPath(new URL("../../../../infra/scoreguard.scores-sample.yaml", import.meta.url)));

  it("passes the start-up check", () => {
    expect(() => checkScoreConfig(config)).not.toThrow();
  });

  it("labels every made-up table a sample, and gives a source for every table", () => {
    for (const [pack, industries] of Object.entries(config.scoreParameters ?? {})) {
      for (const [industry, t] of Object.entries(industries)) {
        expect(t.source, `${pack}.${industry}`).toBeTruthy();
        if (t.source!.startsWith("SAMPLE")) expect(t.sample, `${pack}.${industry}`).toBe(true);
        else expect(t.source, `${pack}.${industry}`).toMatch(/rules-2026\.md/);
      }
    }
  });
});
