import { describe, expect, it } from "vitest";
import {
  EXCLUSION_DECISIONS,
  EXCLUSION_REASONS,
  EXCLUSION_SCOPES,
  MAX_EXCLUSION_METRICS,
  formatProblems,
  parseEvent,
  type CanonicalEvent,
} from "./index.js";
import { catalogFastPath } from "./catalog-fast-path.js";

/** `exclusion.requested` and `exclusion.decided` (events.md "Appeals and exemptions"). */
const env = { id: "x1", platform: "douyin", shopId: "s1", at: "2026-11-20T10:00:00+08:00" } as const;
const request = { ...env, type: "exclusion.requested", scope: "order", itemId: "A123", reason: "appeal" } as const;
const decision = { ...request, type: "exclusion.decided", decision: "approved" } as const;

function problems(x: unknown): string {
  const r = parseEvent(x);
  if (r.ok) throw new Error(`expected a failure for ${JSON.stringify(x)}`);
  return formatProblems(r.problems);
}

describe("exclusion events", () => {
  it("takes every scope, reason and decision", () => {
    for (const scope of EXCLUSION_SCOPES)
      for (const reason of EXCLUSION_REASONS)
        for (const d of EXCLUSION_DECISIONS) {
          const consumer = scope === "session" ? { consumerId: "u1" } : {};
          expect(parseEvent({ ...request, scope, reason, ...consumer }).ok).toBe(true);
          expect(parseEvent({ ...decision, scope, reason, decision: d, ...consumer }).ok).toBe(true);
        }
  });

  it("keeps the metrics it names, or leaves them out for all", () => {
    const some = parseEvent({ ...request, metrics: ["pickup_48h_rate", "ship_24h_rate"], exclusionId: "SS-9" });
    expect(some.ok && (some.event as Extract<CanonicalEvent, { type: "exclusion.requested" }>).metrics).toEqual([
      "pickup_48h_rate",
      "ship_24h_rate",
    ]);
    const all = parseEvent(request);
    expect(all.ok && "metrics" in all.event).toBe(false);
  });

  it("names the field of each problem", () => {
    expect(problems({ ...request, scope: "shop" })).toMatch(/^scope: /);
    expect(problems({ ...request, reason: "because" })).toMatch(/^reason: /);
    expect(problems({ ...request, itemId: "" })).toMatch(/^itemId: /);
    expect(problems({ ...decision, decision: "pending" })).toMatch(/^decision: /);
    expect(problems({ ...request, type: "exclusion.decided" })).toMatch(/^decision: /);
    expect(problems({ ...request, metrics: [] })).toBe("metrics: must name at least one metric, or be left out for all");
    expect(problems({ ...request, metrics: "all" })).toMatch(/^metrics: /);
    expect(problems({ ...request, metrics: ["ok", 7] })).toMatch(/^metrics\.1: /);
    expect(problems({ ...request, metrics: Array.from({ length: MAX_EXCLUSION_METRICS + 1 }, (_, i) => `m${i}`) })).toMatch(/^metrics: /);
    expect(problems({ ...request, scope: "session" })).toBe("consumerId: is required when scope is session");
    expect(problems({ ...decision, scope: "session" })).toBe("consumerId: is required when scope is session");
  });

  it("takes the hot path's compiled parse, with zod's output", () => {
    const withMetrics = { ...decision, metrics: ["a", "b"], note: "kept" };
    const fast = catalogFastPath.parse(withMetrics);
    expect(fast).toEqual(withMetrics);
    // A new array, as zod returns: the caller's array is never shared.
    expect((fast as { metrics: string[] }).metrics).not.toBe(withMetrics.metrics);
    // A session without its consumer is left to zod, which refuses it.
    expect(catalogFastPath.parse({ ...request, scope: "session" })).toBeUndefined();
    expect(catalogFastPath.parse({ ...request, scope: "session", consumerId: "u" })).toBeDefined();
  });
});
