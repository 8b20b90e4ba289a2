import { describe, expect, it } from "vitest";
import { ConfigError, parseScoreguardConfig } from "./index.js";

/** The `reconciliation` section: a missing credential is named by its path, a given one is never echoed. */
describe("reconciliation config", () => {
  it("names a missing credential's path", () => {
    const bad = { reconciliation: { douyin: { appKey: "ak", host: "https://openapi.example", shops: { "1": {} } } } };
    const err = (() => {
      try {
        parseScoreguardConfig(bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const text = String((err as ConfigError).message) + JSON.stringify((err as ConfigError).problems);
    expect(text).toContain("reconciliation.douyin.appSecret: is required");
    expect(text).toContain(`reconciliation.douyin.shops["1"].accessToken: is required`);
  });

  it("never echoes a secret in an error, and applies the defaults", () => {
    const secret = "s3cret-value-never-shown";
    expect(() => parseScoreguardConfig({ reconciliation: { kuaishou: { appKey: "k", signSecret: secret, host: "ftp://x" } } })).toThrow(
      ConfigError,
    );
    try {
      parseScoreguardConfig({
        reconciliation: { kuaishou: { appKey: "k", signSecret: secret, host: "ftp://x", shops: { a: { accessToken: 5 } } } },
      });
    } catch (e) {
      expect(JSON.stringify((e as ConfigError).problems) + (e as Error).message).not.toContain(secret);
    }
    const ok = parseScoreguardConfig({ reconciliation: { kuaishou: { appKey: "k", signSecret: secret, host: "https://h.example" } } });
    expect(ok.reconciliation).toMatchObject({ attempts: 8, backoff: 60_000, maxBackoff: 3_600_000, timeout: 10_000, alerts: true });
    expect(ok.reconciliation?.kuaishou).toMatchObject({ pullAt: "10:00", signMethod: "HMAC_SHA256", shops: {} });
  });
});
