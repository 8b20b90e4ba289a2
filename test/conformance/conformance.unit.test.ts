/**
 * Every conformance case against the independent reference model (engine/reference) and against the
 * shipping pure engine (`evaluateShop`), in milliseconds: the same cases and the same comparison as the
 * end-to-end suite (conformance.int.test.ts, which runs a handful through `replay`).
 */
import { evaluateShop } from "@sg/processor";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../services/processor/src/engine/reference/index.js";
import { caseNames, compare, loadCase } from "./cases.js";
import { evaluateCaseWith } from "./evaluate-case.js";

describe("conformance (hand-computed from shared/spec)", () => {
  it("has cases", () => {
    expect(caseNames.length).toBeGreaterThan(70);
  });

  it.each(caseNames)("%s: the reference model", (name) => {
    const meta = loadCase(name);
    expect(compare(evaluateCaseWith(name, referenceEvaluate), meta), meta.why ?? "").toEqual([]);
  });

  it.each(caseNames)("%s: the shipping pure engine", (name) => {
    const meta = loadCase(name);
    expect(compare(evaluateCaseWith(name, evaluateShop), meta), meta.why ?? "").toEqual([]);
  });
});
