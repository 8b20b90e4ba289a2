import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { envBool, envBrokers, envInt, envLogLevel, envOptionalString, envPort, envString, envUrl, parseEnv } from "./env.js";

const Env = z.object({
  KAFKA_BROKERS: envBrokers(),
  REDIS_URL: envUrl(["redis", "rediss"]),
  SCOREGUARD_CONFIG: envOptionalString(),
  TOPIC_PREFIX: envString(""),
  KEY_PREFIX: envString("sg"),
  GATEWAY_PORT: envPort(8080),
  LOG_LEVEL: envLogLevel(),
  EXPORT_SHOP_LIMIT: envInt(1000, { min: 0 }),
  DEBUG_HTTP: envBool(false),
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.path}: ${p.reason}`);
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv", () => {
  it("applies defaults when variables are unset or empty", () => {
    const env = parseEnv(Env, { GATEWAY_PORT: "", LOG_LEVEL: " " });
    expect(env).toEqual({
      KAFKA_BROKERS: undefined,
      REDIS_URL: undefined,
      SCOREGUARD_CONFIG: undefined,
      TOPIC_PREFIX: "",
      KEY_PREFIX: "sg",
      GATEWAY_PORT: 8080,
      LOG_LEVEL: "info",
      EXPORT_SHOP_LIMIT: 1000,
      DEBUG_HTTP: false,
    });
  });

  it("parses set variables", () => {
    const env = parseEnv(Env, {
      KAFKA_BROKERS: "k1:9092, k2:9093,",
      REDIS_URL: "redis://:pw@127.0.0.1:6379/0",
      SCOREGUARD_CONFIG: "/etc/sg.yaml",
      TOPIC_PREFIX: "t1.",
      GATEWAY_PORT: "0",
      LOG_LEVEL: "DEBUG",
      EXPORT_SHOP_LIMIT: "5",
      DEBUG_HTTP: "yes",
    });
    expect(env.KAFKA_BROKERS).toEqual(["k1:9092", "k2:9093"]);
    expect(env.GATEWAY_PORT).toBe(0);
    expect(env.LOG_LEVEL).toBe("debug");
    expect(env.TOPIC_PREFIX).toBe("t1.");
    expect(env.EXPORT_SHOP_LIMIT).toBe(5);
    expect(env.DEBUG_HTTP).toBe(true);
  });

  it("names every bad variable and never quotes its value", () => {
    const problems = problemsOf(() =>
      parseEnv(Env, {
        KAFKA_BROKERS: "localhost",
        REDIS_URL: "http://user:hunter2-secret@host",
        GATEWAY_PORT: "70000",
        LOG_LEVEL: "loud",
        EXPORT_SHOP_LIMIT: "-1",
        DEBUG_HTTP: "maybe",
      }),
    );
    expect(problems).toEqual([
      "KAFKA_BROKERS: must be a comma-separated list of host:port",
      "REDIS_URL: must be a redis:// or rediss:// URL",
      "GATEWAY_PORT: must be a port number 0..65535",
      "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent",
      "EXPORT_SHOP_LIMIT: must be between 0 and 9007199254740991",
      "DEBUG_HTTP: must be true or false (1/0, yes/no, on/off)",
    ]);
    expect(() => parseEnv(Env, { REDIS_URL: "http://user:hunter2-secret@host" })).toThrow(
      /^Invalid environment variables:\n {2}REDIS_URL: /,
    );
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("reports a missing required variable", () => {
    expect(problemsOf(() => parseEnv(z.object({ NEEDED: z.string() }), {}))).toEqual(["NEEDED: is required"]);
  });
});
