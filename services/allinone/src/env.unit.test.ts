import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.js";

describe("all-in-one Env", () => {
  it("binds the public and ops ports to loopback unless configured otherwise", () => {
    expect(loadEnv({})).toMatchObject({
      GATEWAY_PORT: 8080,
      HOST: "127.0.0.1",
      OPS_PORT: 9100,
      OPS_HOST: "127.0.0.1",
      GATEWAY_HEADERS_TIMEOUT_MS: 10_000,
      GATEWAY_REQUEST_TIMEOUT_MS: 30_000,
      GATEWAY_MAX_CONNECTIONS_PER_SOURCE: 64,
      PRODUCE_TIMEOUT_MS: 5_000,
    });
  });

  it("takes explicit values, and names a bad one", () => {
    const env = loadEnv({ HOST: "0.0.0.0", OPS_PORT: "0", PRODUCE_TIMEOUT_MS: "2000", GATEWAY_MAX_CONNECTIONS_PER_SOURCE: "0" });
    expect(env).toMatchObject({ HOST: "0.0.0.0", OPS_PORT: 0, PRODUCE_TIMEOUT_MS: 2000, GATEWAY_MAX_CONNECTIONS_PER_SOURCE: 0 });
    expect(() => loadEnv({ PRODUCE_TIMEOUT_MS: "soon" })).toThrow(/PRODUCE_TIMEOUT_MS/);
  });
});
