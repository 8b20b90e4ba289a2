import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

describe("notifier Env", () => {
  it("applies the documented defaults (docs/interfaces.md)", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ TOPIC_PREFIX: "", KEY_PREFIX: "sg", NOTIFIER_PORT: 9102, NOTIFIER_TICK_MS: 1000, LOG_LEVEL: "info" });
    expect(env.KAFKA_BROKERS).toBeUndefined();
  });

  it("parses REDIS_MIN_REPLICAS_ACK (default 0: no wait) and refuses what is not a replica count", () => {
    expect(loadEnv({}).REDIS_MIN_REPLICAS_ACK).toBe(0);
    expect(loadEnv({ REDIS_MIN_REPLICAS_ACK: "1", REDIS_REPLICA_ACK_TIMEOUT_MS: "500" })).toMatchObject({
      REDIS_MIN_REPLICAS_ACK: 1,
      REDIS_REPLICA_ACK_TIMEOUT_MS: 500,
    });
    expect(() => loadEnv({ REDIS_MIN_REPLICAS_ACK: "one" })).toThrow(/REDIS_MIN_REPLICAS_ACK: must be an integer/);
    expect(() => loadEnv({ REDIS_MIN_REPLICAS_ACK: "-1" })).toThrow(/REDIS_MIN_REPLICAS_ACK: must be between 0 and 16/);
  });

  it("names every bad variable", () => {
    expect(() => loadEnv({ NOTIFIER_PORT: "99999", GRAFANA_URL: "ftp://x" })).toThrow(
      /NOTIFIER_PORT[\s\S]*GRAFANA_URL|GRAFANA_URL[\s\S]*NOTIFIER_PORT/,
    );
  });
});
