import { describe, expect, it } from "vitest";
import { createTokenRegistry, tokenFingerprint } from "./auth.js";

const registry = createTokenRegistry([
  { token: "tok-a", shops: ["kuaishou:s1", "douyin:*"] },
  { token: "tok-all", shops: ["*"] },
  { token: "tok-a", shops: ["pdd:p9"] },
]);

describe("createTokenRegistry", () => {
  it("scopes a token to the shops it lists", () => {
    const r = registry.authenticate("Bearer tok-a");
    if (!r.ok) throw new Error("expected ok");
    expect(r.scope.allows("kuaishou", "s1")).toBe(true);
    expect(r.scope.allows("kuaishou", "s2")).toBe(false);
    expect(r.scope.allows("douyin", "anything")).toBe(true);
    expect(r.scope.allows("pdd", "p9")).toBe(true);
    expect(r.scope.allowsPlatform("douyin")).toBe(true);
    expect(r.scope.allowsPlatform("kuaishou")).toBe(false);
  });

  it("lets * see every shop", () => {
    const r = registry.authenticate("bearer tok-all");
    expect(r.ok && r.scope.allows("jd", "x")).toBe(true);
  });

  it.each([
    [undefined, "missing_token"],
    ["", "missing_token"],
    ["Basic dG9rLWE=", "missing_token"],
    ["Bearer", "missing_token"],
    ["Bearer tok-b", "unknown_token"],
    ["Bearer tok-a extra", "missing_token"],
  ])("refuses %j as %s", (header, reason) => {
    expect(registry.authenticate(header)).toEqual({ ok: false, reason });
  });

  it("fingerprints without revealing the token", () => {
    expect(tokenFingerprint("tok-a")).toMatch(/^[0-9a-f]{12}$/);
    expect(tokenFingerprint("tok-a")).not.toContain("tok");
  });
});
