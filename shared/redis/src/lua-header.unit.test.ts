import { describe, expect, it } from "vitest";
import { LuaHeaderError, parseLuaContract } from "./lua-header.js";

const script = (header: string, body = "return 1") => `--[[\n${header}\n]]\n${body}\n`;

describe("parseLuaContract", () => {
  it("counts the KEYS[n] lines of the header", () => {
    const src = script(
      [
        "  Applies a batch of events to one shop.",
        "  Input:",
        "    KEYS[1] shop state hash",
        "    KEYS[2] shop dedup set",
        "    ARGV[1] events, JSON array",
        "    ARGV[2] now, epoch ms",
        "  Output: number of events applied",
      ].join("\n"),
      "redis.call('HSET', KEYS[1], 'a', ARGV[1])\nreturn redis.call('SCARD', KEYS[2])",
    );
    const c = parseLuaContract(src, "applyEvents.lua");
    expect(c.numberOfKeys).toBe(2);
    expect(c.header).toContain("Applies a batch");
  });

  it("accepts a header with no keys", () => {
    expect(parseLuaContract(script("  Input:\n    ARGV[1] a value\n  Output: it"), "echo.lua").numberOfKeys).toBe(0);
  });

  it("ignores KEYS[n] mentioned inside prose and lines after the header", () => {
    const src = script(
      "  Input:\n    KEYS[1] the hash\n  Output: the new length of KEYS[1]",
      "-- KEYS[2] is not a key line\nreturn KEYS[1]",
    );
    expect(parseLuaContract(src, "x.lua").numberOfKeys).toBe(1);
  });

  it("accepts list markers and leveled long comments", () => {
    const src = "\n--[==[\n  - KEYS[1] a\n  * KEYS[2] b ]] not the end\n]==]\nreturn {KEYS[1], KEYS[2]}";
    expect(parseLuaContract(src, "x.lua").numberOfKeys).toBe(2);
  });

  it("refuses a file without a header", () => {
    expect(() => parseLuaContract("return redis.call('GET', KEYS[1])", "noHeader.lua")).toThrow(LuaHeaderError);
    expect(() => parseLuaContract("-- KEYS[1] a line comment is not a header\nreturn 1", "lineComment.lua")).toThrow(
      /lineComment\.lua: a Lua script must start with a --\[\[/,
    );
  });

  it("refuses a header that is never closed", () => {
    expect(() => parseLuaContract("--[[\n KEYS[1] a\nreturn 1", "open.lua")).toThrow(/never closed/);
  });

  it("refuses gaps and duplicates in the key numbering", () => {
    expect(() => parseLuaContract(script("  KEYS[1] a\n  KEYS[3] c"), "gap.lua")).toThrow(/not KEYS\[2\]/);
    expect(() => parseLuaContract(script("  KEYS[1] a\n  KEYS[1] b"), "dup.lua")).toThrow(/listed twice/);
  });

  it("refuses a body that reads a key the header does not list", () => {
    expect(() => parseLuaContract(script("  KEYS[1] a", "return KEYS[2]"), "drift.lua")).toThrow(
      /uses KEYS\[2\] but its contract header lists 1 keys/,
    );
  });
});
