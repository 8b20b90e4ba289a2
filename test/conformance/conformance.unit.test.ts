/**
 * Every conformance case against the independent reference model (engine/reference), the shipping
 * full-history engine (`evaluateShop`) and engine v2's pure part (engine/incremental/shop-state.ts), in milliseconds: the same cases and the same comparison as the
 * end-to-end suite (conformance.int.test.ts, which runs a handful through `replay`).
 */
import { evaluateShop } from "@sg/processor";
import { describe, expect, it } from "vitest";
import { referenceEvaluate } from "../../services/processor/src/engine/reference/index.js";
import { caseNames, compare, loadCase } from "./cases.js";
import { evaluateEventsV2 } from "../../services/processor/src/engine/incremental/shop-state.js";
import { evaluateCaseWith, type PureEngine } from "./evaluate-case.js";

/** Engine v2's pure part (the steps EntityStore runs, over plain maps): every event applied at asOf, then evaluated. */
const engineV2: PureEngine = (input) => {
  const evaluation = evaluateEventsV2(input);
  if (evaluation === undefined) throw new Error(`engine v2 holds no state for ${input.platform}:${input.shopId}`);
  return { snapshot: evaluation.snapshot };
};

describe("conformance (hand-computed from shared/spec)", () => {
  it("has cases", () => {
    expect(caseNames.length).toBeGreaterThan(70);
  });

  // shared/tools/check_replay.py reads a metric's expected fields by their plain names: a dotted name
  // ("ifApproved.value") would be looked up as a field of that name, never found, and fail there while
  // passing here (cases.ts reads dots as paths). Nested expectations are whole objects.
  it.each(caseNames)("%s: expects metric fields by the names check_replay.py reads (no dotted names)", (name) => {
    const dotted = Object.entries(loadCase(name).expect).flatMap(([shop, want]) =>
      Object.entries(want.metrics ?? {}).flatMap(([metric, fields]) =>
        Object.keys(fields)
          .filter((k) => k.includes("."))
          .map((k) => `${shop} ${metric}.${k}`),
      ),
    );
    expect(dotted).toEqual([]);
  });

  it.each(caseNames)("%s: the reference model", (name) => {
    const meta = loadCase(name);
    expect(compare(evaluateCaseWith(name, referenceEvaluate), meta), meta.why ?? "").toEqual([]);
  });

  // The full-history engine applies the calendar (engine/calendar-window.ts) and the exclusions
  // (engine/history-exclusions.ts) as engine v2 and the reference do.
  it.each(caseNames)("%s: the shipping pure engine", (name) => {
    const meta = loadCase(name);
    expect(compare(evaluateCaseWith(name, evaluateShop), meta), meta.why ?? "").toEqual([]);
  });

  it.each(caseNames)("%s: engine v2 (pure)", (name) => {
    const meta = loadCase(name);
    expect(compare(evaluateCaseWith(name, engineV2), meta), meta.why ?? "").toEqual([]);
  });
});
