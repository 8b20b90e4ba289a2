import { describe, expect, it } from "vitest";
// A relative import on purpose: @sg/config does not depend on @sg/events, this only guards against drift.
import { PLATFORMS as EVENT_PLATFORMS } from "../../events/src/catalog.js";
import { PLATFORMS } from "./fields.js";
import { formatPath } from "./errors.js";

describe("fields", () => {
  it("knows the same platforms as the event catalog", () => {
    expect([...PLATFORMS].sort()).toEqual([...EVENT_PLATFORMS].sort());
  });

  it("formats paths the way alerts.md quotes them", () => {
    expect(formatPath(["routes", 0, "receivers", 1])).toBe("routes[0].receivers[1]");
    expect(formatPath(["shops", "kuaishou:s1", "metrics", "m", "threshold"])).toBe('shops["kuaishou:s1"].metrics.m.threshold');
    expect(formatPath(["receivers", "ops-dingtalk", "url"])).toBe("receivers.ops-dingtalk.url");
    expect(formatPath([])).toBe("(root)");
  });
});
