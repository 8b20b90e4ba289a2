import { describe, expect, it } from "vitest";
import { JsonSyntaxError, decodeUtf8Strict, parseLosslessJson } from "./lossless-json.js";

describe("parseLosslessJson", () => {
  it("agrees with JSON.parse on ordinary documents", () => {
    const docs = [
      '{"a":1,"b":[true,false,null],"c":"x\\n\\u00e9\\"","d":-1.5e3,"e":{}}',
      "[]",
      '  "s"  ',
      "0",
      "-0.25",
      '{"k":"中文","arr":[1,[2,[3]]]}',
    ];
    for (const d of docs) expect(parseLosslessJson(d)).toEqual(JSON.parse(d));
  });

  it("keeps integers beyond 2^53 exact, as strings", () => {
    const v = parseLosslessJson('{"p_id":4930271960384902185,"n":-9007199254740993,"ok":9007199254740991}') as Record<string, unknown>;
    expect(v.p_id).toBe("4930271960384902185");
    expect(v.n).toBe("-9007199254740993");
    expect(v.ok).toBe(9007199254740991);
  });

  it("leaves digits inside strings alone", () => {
    expect(parseLosslessJson('{"s":"12345678901234567890"}')).toEqual({ s: "12345678901234567890" });
  });

  it("does not treat non-integers as ids", () => {
    // The literal rounds exactly as JSON.parse rounds the text: that equality is the point.
    // eslint-disable-next-line no-loss-of-precision
    expect(parseLosslessJson("12345678901234567890.5")).toBe(12345678901234567890.5);
    expect(parseLosslessJson("1e30")).toBe(1e30);
  });

  it("makes __proto__ an own property, never the prototype", () => {
    const v = parseLosslessJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a":1', "Unexpected end"],
    ['{"a":1,}', "Expected a string key"],
    ["[1,2,]", "Unexpected token"],
    ["01", "Unexpected data"],
    ['"\u0001"', "Control character"],
    ['"abc', "Unterminated string"],
    ["{'a':1}", "Expected a string key"],
    ["NaN", "Unexpected token"],
    ['"\\x41"', "Bad escape"],
    ['"\\u12G4"', "Bad \\u escape"],
    ["[1] [2]", "Unexpected data"],
    ["", "Unexpected end"],
  ])("rejects %j", (text, message) => {
    expect(() => parseLosslessJson(text)).toThrow(JsonSyntaxError);
    expect(() => parseLosslessJson(text)).toThrow(message);
  });

  it("bounds nesting depth instead of overflowing the stack", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(() => parseLosslessJson(deep)).toThrow(/Nesting deeper than 64/);
    expect(parseLosslessJson("[".repeat(10) + "]".repeat(10), { maxDepth: 10 })).toBeDefined();
  });
});

describe("decodeUtf8Strict", () => {
  it("decodes valid UTF-8 and drops a BOM", () => {
    expect(decodeUtf8Strict(Buffer.from("\ufeff{}", "utf8"))).toBe("{}");
    expect(decodeUtf8Strict(Buffer.from("订单", "utf8"))).toBe("订单");
  });
  it("refuses invalid sequences", () => {
    expect(decodeUtf8Strict(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toBeNull();
    expect(decodeUtf8Strict(Buffer.from([0xc3]))).toBeNull();
  });
});

describe("parseLosslessJson bigIntegers: number", () => {
  it("rounds like JSON.parse when asked to", () => {
    expect(parseLosslessJson("12345678901234567890", { bigIntegers: "number" })).toBe(JSON.parse("12345678901234567890"));
  });
});
