import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStored, encodeBody, encodeStored } from "./codec.js";
import type { AftersaleRec, AftersaleSummary, ConsumerRec, OrderRec } from "./records.js";

/** Times anywhere in 2001–2286, and strings holding every separator and escape character of the codec. */
const time = fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 });
const text = fc.string({
  unit: fc.constantFrom("a", "Z", "0", "-", "_", "%", ",", ";", "|", ".", "~", "%2C", "é", "[", " "),
  maxLength: 8,
});
const bit = fc.constantFrom<0 | 1>(0, 1);
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 4 });

const summary: fc.Arbitrary<AftersaleSummary> = fc.tuple(
  time,
  text,
  text,
  text,
  bit,
  bit,
  bit,
  text,
  text,
  fc.oneof(time, fc.constant(-1)),
  bit,
  bit,
);
const order: fc.Arbitrary<OrderRec> = fc.record(
  {
    p: fc.tuple(time, text, fc.integer({ min: 0, max: 7 }), fc.oneof(time, fc.constant(-1))),
    c: time,
    s: time,
    k: time,
    l: time,
    g: time,
    r: fc.tuple(time, text, text, fc.integer({ min: 0, max: 5 })),
    w: fc.tuple(time, text, time),
    fs: time,
    fo: time,
    q: time,
    as: fc.dictionary(text, summary, { minKeys: 1, maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const triple = fc.tuple(time, text, text);
const aftersale: fc.Arbitrary<AftersaleRec> = fc.record(
  {
    q: fc.tuple(time, text, text, text, text, bit, bit),
    a: list(triple),
    rs: list(fc.tuple(time, text)),
    rd: list(time),
    pr: list(time),
    aw: list(time),
    iv: list(time),
    cn: list(time),
    ar: list(triple),
    cp: list(triple),
  },
  { requiredKeys: [] },
);
const consumer: fc.Arbitrary<ConsumerRec> = fc.record(
  {
    t: list(time),
    x: list(time),
    m: list(fc.tuple(time, fc.constantFrom<"c" | "r" | "o">("c", "r", "o"))),
    r: list(fc.tuple(time, text, time, text, bit)),
    ex: time,
  },
  { requiredKeys: [] },
);
const entity = fc.oneof(fc.tuple(fc.constant("o:"), order), fc.tuple(fc.constant("a:"), aftersale), fc.tuple(fc.constant("c:"), consumer));

describe("stored records (codec.ts)", () => {
  it("decode(encode(record)) is the record, its body and calcAt, for any record", () => {
    fc.assert(
      fc.property(entity, text, time, ([kind, rec], id, calcAt) => {
        const key = `${kind}${id}`;
        const stored = encodeStored(key, { rec, calcAt });
        const back = decodeStored(key, stored);
        expect(back.rec).toEqual(rec);
        expect(back.calcAt).toBe(calcAt);
        expect(back.body).toBe(encodeBody(key, rec));
        expect(encodeStored(key, back)).toBe(stored);
      }),
      { numRuns: 3000 },
    );
  });

  it("gives equal bodies exactly for equal records", () => {
    fc.assert(
      fc.property(entity, entity, ([k1, r1], [k2, r2]) => {
        fc.pre(k1 === k2);
        expect(encodeBody(`${k1}x`, r1) === encodeBody(`${k1}x`, r2)).toBe(JSON.stringify(r1) === JSON.stringify(r2));
      }),
      { numRuns: 2000 },
    );
  });

  it("leads an after-sale's record with the order its request names, escaped, for loadEntities.lua", () => {
    const rec: AftersaleRec = { q: [1_700_000_000_000, "r1", "69;1%", "refund_only", "quality", 1, 0] };
    expect(encodeStored("a:as1", { rec, calcAt: 1_700_000_100_000 })).toMatch(/^~69%3B1%25;/);
    expect(encodeStored("a:as2", { rec: {}, calcAt: 1_700_000_100_000 })).toMatch(/^~;/);
  });

  it("stores a conversation-day in under 70 characters", () => {
    const t = 1_780_000_000_000;
    const rec: ConsumerRec = {
      t: [t],
      x: [t + 300_000],
      m: [
        [t + 1000, "c"],
        [t + 41_000, "r"],
        [t + 90_000, "c"],
        [t + 120_000, "r"],
      ],
    };
    const s = encodeStored("c:u1", { rec, calcAt: t + 86_400_000 });
    expect(s.length).toBeLessThan(70);
  });
});
