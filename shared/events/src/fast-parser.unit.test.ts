import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileFastParser } from "./fast-parser.js";

/** The compiler on the constructs the catalog does not use (strip, strict, superRefine) and on what it refuses. */
/** Checks the fast path against zod on `inputs`; `covered`: the schema compiles whole, so zod accepts nothing it doubts. */
function agree(schema: z.ZodType, inputs: unknown[], covered = true): number {
  const fast = compileFastParser(schema);
  let vouched = 0;
  for (const input of inputs) {
    const got = fast.parse(input);
    const want = schema.safeParse(input);
    if (got === undefined) {
      if (covered) expect(want.success, JSON.stringify(input)).toBe(false);
      continue;
    }
    vouched++;
    expect(want.success).toBe(true);
    expect(Object.keys(got as object)).toEqual(Object.keys(want.data as object));
    expect(got).toStrictEqual(want.data);
  }
  return vouched;
}

const shape = { a: z.string().max(3), n: z.number().int().optional(), t: z.union([z.literal(1), z.literal("one")]) };

describe("compileFastParser", () => {
  const inputs: unknown[] = [
    { a: "x", t: 1 },
    { t: "one", a: "xyz", n: 2 },
    { a: "x", t: 1, extra: true },
    { a: "x", t: 1, n: undefined },
    { a: "xyzw", t: 1 },
    { a: "x", t: 2 },
    { a: "x", t: 1, n: 1.5 },
    { a: 1, t: 1 },
    {},
    [],
    null,
  ];

  it("strips unknown keys by default, keeps them when loose, refuses them when strict", () => {
    expect(agree(z.object(shape), inputs)).toBe(4);
    expect(agree(z.looseObject(shape), inputs)).toBe(4);
    expect(agree(z.object(shape).strict(), inputs)).toBe(3);
    expect(agree(z.object(shape).catchall(z.string()), [...inputs, { a: "x", t: 1, extra: "s" }])).toBe(4);
  });

  it("compiles arrays of leaves and of objects, with their length checks, into new plain arrays", () => {
    const schema = z.object({
      tags: z.array(z.string().min(1)).min(1).max(3).optional(),
      rows: z.array(z.object({ k: z.number() })).optional(),
    });
    expect(compileFastParser(schema).unsupported).toEqual([]);
    const holey: unknown[] = ["a"];
    holey[2] = "c";
    class Tags extends Array<string> {}
    const inputs: unknown[] = [
      { tags: ["a"] },
      { tags: ["a", "b", "c"] },
      { tags: [] },
      { tags: ["a", "b", "c", "d"] },
      { tags: ["a", ""] },
      { tags: ["a", 1] },
      { tags: holey },
      { tags: "a" },
      { tags: { 0: "a", length: 1 } },
      { rows: [{ k: 1 }, { k: 2, extra: 1 }] },
      { rows: [{ k: "1" }] },
      { rows: [] },
    ];
    expect(agree(schema, inputs)).toBe(4);
    // An array of another class: zod decides (and returns a plain array).
    expect(compileFastParser(schema).parse({ tags: Tags.from(["a"]) })).toBeUndefined();
    const input = { tags: ["a", "b"] };
    expect((compileFastParser(schema).parse(input) as typeof input).tags).not.toBe(input.tags);
  });

  it("compiles nested objects, unions of leaves, enums of any size and an object's own checks", () => {
    const nested = z.object({ inner: z.looseObject({ x: z.string() }), u: z.union([z.number().int(), z.boolean()]).optional() });
    const nestedInputs = [
      { inner: { x: "a", y: 1 } },
      { inner: { x: 1 } },
      { inner: { x: "a" }, u: 1 },
      { inner: { x: "a" }, u: 1.5 },
      { inner: [] },
    ];
    expect(agree(nested, nestedInputs)).toBe(2);
    const big = z.object({ e: z.enum(Array.from({ length: 20 }, (_, i) => `v${i}`) as [string, ...string[]]), n: z.literal(3) });
    expect(
      agree(big, [
        { e: "v19", n: 3 },
        { e: "v20", n: 3 },
        { e: "v0", n: "3" },
      ]),
    ).toBe(1);
    const ordered = z.object({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b);
    expect(
      agree(ordered, [
        { a: 1, b: 2 },
        { a: 2, b: 1 },
        { a: 1, b: 2, c: 3 },
      ]),
    ).toBe(2);
    const keys = z.object({ 'a"b': z.string(), "\u2028": z.string().optional(), ["__proto__"]: z.string().optional() });
    // zod neither checks nor copies a declared `__proto__` (own or inherited), and neither do we.
    expect(agree(keys, [{ 'a"b': "x" }, JSON.parse('{"a\\"b":"x","\u2028":"y","__proto__":"z"}'), { 'a"b': 1 }])).toBe(2);
  });

  it("runs refinements and superRefine checks, and leaves a throwing or async one to zod", () => {
    const even = z.object({ n: z.number().refine((n) => n % 2 === 0) });
    expect(agree(even, [{ n: 2 }, { n: 3 }])).toBe(1);
    const small = z.object({
      n: z.number().superRefine((n, ctx) => {
        if (n > 9) ctx.addIssue({ code: "custom", message: "too big" });
      }),
    });
    expect(agree(small, [{ n: 2 }, { n: 10 }])).toBe(1);
    const throws = z.object({
      s: z.string().refine((s) => {
        if (s === "boom") throw new Error("boom");
        return true;
      }),
    });
    expect(compileFastParser(throws).parse({ s: "boom" })).toBeUndefined();
    expect(compileFastParser(throws).parse({ s: "ok" })).toEqual({ s: "ok" });
    const slow = z.object({ s: z.string().refine(async () => true) });
    expect(compileFastParser(slow).parse({ s: "x" })).toBeUndefined();
  });

  it("names what it does not compile, and then always leaves the decision to zod", () => {
    const schema = z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("a"), s: z.string().trim() }),
      z.object({ kind: z.literal("b"), n: z.number().default(1) }),
      z.object({ kind: z.literal("c"), d: z.string().transform((s) => s.length) }),
      z.object({ kind: z.literal("d"), e: z.email() }),
      z.object({ kind: z.literal("e"), ok: z.boolean() }),
    ]);
    const fast = compileFastParser(schema);
    expect(fast.unsupported).toEqual([
      "a.s: an overwrite check (trim, toLowerCase, …)",
      "b.n: a default",
      "c.d: a pipe",
      "d.e: a string that is also a check (a string format or z.int())",
    ]);
    const inputs = [{ kind: "a", s: " x " }, { kind: "b" }, { kind: "c", d: "x" }, { kind: "d", e: "a@b.c" }, { kind: "e", ok: true }];
    expect(agree(schema, inputs, false)).toBe(1);
    expect(compileFastParser(z.string()).unsupported).toEqual([": a string at the root"]);
  });
});
