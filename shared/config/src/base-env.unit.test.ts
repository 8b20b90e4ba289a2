// One base environment for the common variables, extended per service; standalone services fail fast
// without KAFKA_BROKERS or REDIS_URL instead of starting local infrastructure.
import { describe, expect, it } from "vitest";
import { BaseEnv, ConfigError, parseEnv, requireInfra } from "./index.js";

describe("BaseEnv", () => {
  it("validates REDIS_URL as a redis URL and applies the common defaults", () => {
    expect(parseEnv(BaseEnv, {})).toEqual({ TOPIC_PREFIX: "", KEY_PREFIX: "sg", LOG_LEVEL: "info" });
    expect(() => parseEnv(BaseEnv, { REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });
});

describe("requireInfra", () => {
  it("returns brokers and the Redis URL when both are set", () => {
    const env = parseEnv(BaseEnv, { KAFKA_BROKERS: "k:9092", REDIS_URL: "redis://:pw@r:6379" });
    expect(requireInfra(env, "processor")).toEqual({ brokers: ["k:9092"], redisUrl: "redis://:pw@r:6379" });
  });

  it("names every missing variable and says which command starts local infrastructure", () => {
    let err: unknown;
    try {
      requireInfra(parseEnv(BaseEnv, {}), "processor");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.path)).toEqual(["KAFKA_BROKERS", "REDIS_URL"]);
    expect((err as Error).message).toMatch(/the processor alone does not start local Kafka or Redis \(run `npm start`/);
  });

  it("never prints the Redis password when only Kafka is missing", () => {
    const env = parseEnv(BaseEnv, { REDIS_URL: "redis://:hunter2@r:6379" });
    expect(() => requireInfra(env, "notifier")).toThrow(/KAFKA_BROKERS/);
    expect(() => requireInfra(env, "notifier")).not.toThrow(/hunter2/);
  });
});
