import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

describe("reconciler Env", () => {
  it("applies the documented defaults (docs/interfaces.md)", () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ TOPIC_PREFIX: "", KEY_PREFIX: "sg", RECONCILER_PORT: 9103, RECONCILER_TICK_MS: 60_000, LOG_LEVEL: "info" });
    expect(env.KAFKA_BROKERS).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it("takes its port and tick, and names every bad variable", () => {
    expect(loadEnv({ RECONCILER_PORT: "0", RECONCILER_TICK_MS: "5000" })).toMatchObject({ RECONCILER_PORT: 0, RECONCILER_TICK_MS: 5000 });
    expect(() => loadEnv({ RECONCILER_PORT: "99999", RECONCILER_TICK_MS: "10" })).toThrow(
      /RECONCILER_PORT[\s\S]*RECONCILER_TICK_MS|RECONCILER_TICK_MS[\s\S]*RECONCILER_PORT/,
    );
  });
});
