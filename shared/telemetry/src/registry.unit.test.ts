import { describe, expect, it } from "vitest";
import { createRegistry } from "./registry.js";

describe("createRegistry", () => {
  it("exports no gauge with a counter's `_total` suffix (promtool check metrics rejects them)", async () => {
    const text = await createRegistry().metrics();
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]!);
    expect(gauges).toContain("sg_nodejs_active_handles");
    expect(gauges.filter((g) => g.endsWith("_total"))).toEqual([]);
  });
});
