import { describe, expect, it } from "vitest";
import { parseRedisUrl, RedisUrlError } from "./url.js";

describe("parseRedisUrl", () => {
  it("passes a single-node URL through", () => {
    expect(parseRedisUrl("redis://:pw@h:6379/1")).toEqual({ kind: "node", url: "redis://:pw@h:6379/1" });
    expect(parseRedisUrl("rediss://h:6380")).toEqual({ kind: "node", url: "rediss://h:6380" });
  });

  it("reads a cluster's seed nodes and credentials", () => {
    expect(parseRedisUrl("redis+cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      username: "app",
      password: "p@ss",
      tls: false,
    });
    expect(parseRedisUrl("rediss+cluster://:pw@h:7000/")).toEqual({
      kind: "cluster",
      nodes: [{ host: "h", port: 7000 }],
      password: "pw",
      tls: true,
    });
  });

  it("refuses malformed URLs without quoting the password", () => {
    for (const bad of [
      "redis+cluster://:hunter2@h1:7000,h2",
      "redis+cluster://h:99999",
      "redis+cluster://h:7000/3",
      "http://:hunter2@h",
      "not a url",
    ]) {
      let caught: unknown;
      try {
        parseRedisUrl(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught, bad).toBeInstanceOf(RedisUrlError);
      expect(String((caught as Error).message)).not.toContain("hunter2");
    }
  });
});
