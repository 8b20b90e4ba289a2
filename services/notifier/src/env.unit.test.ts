import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

describe("notifier Env", () => {
  it("applies the documented defaults (docs/interfaces.md)", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ TOPIC_PREFIX: "", KEY_PREFIX: "sg", NOTIFIER_PORT: 9102, NOTIFIER_TICK_MS: 1000, LOG_LEVEL: "info" });
    expect(env.KAFKA_BROKERS).toBeUndefined();
  });

  it("names every bad variable", () => {
    expect(() => loadEnv({ NOTIFIER_PORT: "99999", GRAFANA_URL: "ftp://x" })).toThrow(
      /NOTIFIER_PORT[\s\S]*GRAFANA_URL|GRAFANA_URL[\s\S]*NOTIFIER_PORT/,
    );
  });
});
