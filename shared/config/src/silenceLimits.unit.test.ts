import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.js";
import { parseScoreguardConfig } from "./load.js";

const TOKEN = "tok-silence-limits-0123456789";

function problemsOf(input: unknown): string[] {
  try {
    parseScoreguardConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.path}: ${p.reason}`);
  }
  throw new Error("expected a ConfigError");
}

describe("silenceLimits", () => {
  it("is optional; given, its absent keys take their defaults; a token may override any of them", () => {
    expect(parseScoreguardConfig({}).silenceLimits).toBeUndefined();
    const config = parseScoreguardConfig({
      silenceLimits: { maxActive: 20 },
      apiTokens: [{ token: TOKEN, shops: ["douyin:77"], silenceLimits: { maxCommentBytes: 200 } }],
    });
    expect(config.silenceLimits).toEqual({ maxActive: 20, maxMatchers: 16, maxCommentBytes: 1024 });
    expect(config.apiTokens[0]?.silenceLimits).toEqual({ maxCommentBytes: 200 });
  });

  it("refuses values past the absolute caps, and unknown keys, naming the path", () => {
    expect(problemsOf({ silenceLimits: { maxMatchers: 17 } })).toEqual([expect.stringMatching(/^silenceLimits\.maxMatchers: /)]);
    expect(problemsOf({ silenceLimits: { maxActive: -1 } })).toEqual([expect.stringMatching(/^silenceLimits\.maxActive: /)]);
    expect(problemsOf({ apiTokens: [{ token: TOKEN, shops: ["*"], silenceLimits: { maxCount: 5 } }] })).toEqual([
      "apiTokens[0].silenceLimits.maxCount: unknown key",
    ]);
  });
});
