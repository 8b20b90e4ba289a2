import { describe, expect, it } from "vitest";
import { createKeys } from "./keys.js";

describe("processor keys", () => {
  const keys = createKeys("sg");
  const shop = { platform: "kuaishou", shopId: "s1" };
  it("pins the exact key strings, each with the shop hash tag", () => {
    expect(keys.shopMeta(shop)).toBe("sg:{kuaishou:s1}:meta");
    expect(keys.shopAlerts(shop)).toBe("sg:{kuaishou:s1}:alerts");
    expect(keys.due(3)).toBe("sg:due:3");
  });
  it("isolates runs by prefix", () => {
    expect(createKeys("replay-1").shopMeta(shop)).toBe("replay-1:{kuaishou:s1}:meta");
  });
});
