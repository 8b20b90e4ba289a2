import { ConfigError } from "@sg/config";
import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

describe("gateway Env", () => {
  it("applies the documented defaults (docs/interfaces.md)", () => {
    const env = loadEnv({});
    expect(env.KAFKA_BROKERS).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env).toMatchObject({
      GATEWAY_PORT: 8080,
      // Loopback unless configured otherwise, the ops server apart.
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_OPS_PORT: 9100,
      GATEWAY_OPS_HOST: "127.0.0.1",
      GATEWAY_HEADERS_TIMEOUT_MS: 10_000,
      GATEWAY_REQUEST_TIMEOUT_MS: 30_000,
      GATEWAY_MAX_CONNECTIONS_PER_SOURCE: 64,
      PRODUCE_TIMEOUT_MS: 5_000,
      TOPIC_PREFIX: "",
      KEY_PREFIX: "sg",
      LOG_LEVEL: "info",
      GATEWAY_TRUST_PROXY: false,
    });
  });

  it("parses brokers, ports and limits", () => {
    const env = loadEnv({ KAFKA_BROKERS: "a:9092, b:9093", GATEWAY_PORT: "0", GATEWAY_TOKEN_RATE: "5", REDIS_URL: "redis://:pw@h:6379/1" });
    expect(env.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
    expect(env.GATEWAY_PORT).toBe(0);
    expect(env.GATEWAY_TOKEN_RATE).toBe(5);
  });

  it("accepts a Redis Cluster URL and refuses a malformed one", () => {
    expect(loadEnv({ REDIS_URL: "redis+cluster://:pw@127.0.0.1:7000,127.0.0.1:7001" }).REDIS_URL).toBe(
      "redis+cluster://:pw@127.0.0.1:7000,127.0.0.1:7001",
    );
    expect(() => loadEnv({ REDIS_URL: "redis+cluster://:secret@h1:7000,h2" })).toThrow(/REDIS_URL/);
  });

  it("names every bad variable without quoting values", () => {
    try {
      loadEnv({ GATEWAY_PORT: "http", REDIS_URL: "http://user:secret@h", GATEWAY_SOURCE_RATE: "0" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = String((err as Error).message) + JSON.stringify(err);
      expect(text).toContain("GATEWAY_PORT");
      expect(text).toContain("REDIS_URL");
      expect(text).toContain("GATEWAY_SOURCE_RATE");
      expect(text).not.toContain("secret");
    }
  });
});
