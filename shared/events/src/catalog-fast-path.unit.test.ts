import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CanonicalEvent, EVENT_SCHEMAS, EVENT_TYPES, PLATFORMS } from "./catalog.js";
import { catalogFastPath } from "./catalog-fast-path.js";
import { describeEventIssues, parseEvent, type ParseResult } from "./parse.js";

/**
 * The catalog's fast path against zod itself, on valid events of every type and on mutated ones: whenever the
 * fast path vouches, zod accepts and returns the same object (same keys in the same order); whenever it
 * doubts a JSON value, zod refuses; and parseEvent answers exactly as the zod parse alone (problems included).
 */

/** What parseEvent answered before the fast path: zod alone. */
function zodOnly(input: unknown): ParseResult {
  const r = CanonicalEvent.safeParse(input);
  return r.success ? { ok: true, event: r.data } : { ok: false, problems: describeEventIssues(r.error.issues) };
}

/** Checks one input; `plain`: a plain object or JSON value, which the fast path must vouch for whenever zod accepts it. */
function agrees(input: unknown, plain: boolean): boolean {
  const fast = catalogFastPath.parse(input);
  const byZod = CanonicalEvent.safeParse(input);
  if (fast !== undefined) {
    expect(byZod.success).toBe(true);
    // The same object: same own keys in the same order, each the very same value, and the same prototype
    // (neither copies a JSON `__proto__` key). Compared by hand: an own `constructor` key confuses toStrictEqual.
    const want = byZod.data as Record<string, unknown>;
    const got = fast as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) {
      // zod returns a new array of an array field (metrics): the same elements in a plain array, not the same object.
      if (Array.isArray(want[k])) {
        expect(Object.getPrototypeOf(got[k]), k).toBe(Array.prototype);
        const a = got[k] as unknown[];
        const b = want[k] as unknown[];
        expect(a.length, k).toBe(b.length);
        b.forEach((x, i) => expect(Object.is(a[i], x), `${k}[${i}]`).toBe(true));
      } else expect(Object.is(got[k], want[k]), k).toBe(true);
    }
    expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(want));
  } else if (plain) {
    // The fast path covers the catalog: it doubts only what zod refuses.
    expect(byZod.success).toBe(false);
  }
  const answer = parseEvent(input);
  const before = zodOnly(input);
  expect(answer.ok).toBe(before.ok);
  if (!answer.ok) expect(answer).toStrictEqual(before);
  return fast !== undefined;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
/** Identifier-like strings, sometimes at or past a length limit or with a lone surrogate. */
const idUnit = fc.oneof(
  { arbitrary: fc.constantFrom("a", "7", "-", "店", "😀"), weight: 200 },
  { arbitrary: fc.constantFrom("\uD800", "\uDC00", "\uDBFF\uDFFF"), weight: 1 },
);
const id = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ unit: idUnit, minLength: 1, maxLength: 12 }), weight: 30 },
    { arbitrary: fc.constantFrom(0, 1, max - 1, max, max + 1).map((n) => "x".repeat(n)), weight: 1 },
    { arbitrary: fc.string({ unit: idUnit, minLength: max - 2, maxLength: max + 1 }), weight: 1 },
  );
const epoch = fc.oneof(
  { arbitrary: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), weight: 10 },
  { arbitrary: fc.constantFrom(0, -0, 8_640_000_000_000_000), weight: 1 },
  { arbitrary: fc.constantFrom(8_640_000_000_000_001, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER), weight: 1 },
);
const iso = fc
  .tuple(
    fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    fc.constantFrom(480, 0, -300, 840, -720),
    fc.constantFrom(16, 19, 21, 23),
  )
  .map(([ms, off, len]) => {
    const local = new Date(ms + off * 60_000).toISOString().slice(0, len);
    const zone = off === 0 ? "Z" : `${off < 0 ? "-" : "+"}${pad(Math.abs(off) / 60, 2)}:00`;
    return `${local}${zone}`;
  });
const badTime = fc.constantFrom(
  "yesterday",
  "2026-02-30T08:00:00+08:00",
  "2026-01-01T24:00:00Z",
  "2026-01-01T08:00:00",
  "2026-01-01T08:00:00+14:30",
  "0000-02-29T00:00:00Z",
  "",
);
const time = fc.oneof({ arbitrary: iso, weight: 12 }, { arbitrary: epoch, weight: 6 }, { arbitrary: badTime, weight: 1 });

/** A value of each field, read from the catalog's shape for enums and literals (so every type's own values appear). */
function fieldArbitrary(type: string, key: string, schema: z.ZodType): fc.Arbitrary<unknown> {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodEnum) return fc.constantFrom(...(inner.options as string[]));
  if (inner instanceof z.ZodLiteral) return fc.constant(type);
  if (inner instanceof z.ZodBoolean) return fc.boolean();
  // Metric lists: empty and over-long ones too, and now and then an element that is no string.
  if (inner instanceof z.ZodArray)
    return fc.oneof(
      { arbitrary: fc.array(id(64), { minLength: 1, maxLength: 4 }), weight: 20 },
      { arbitrary: fc.array(id(64), { minLength: 0, maxLength: 40 }), weight: 2 },
      { arbitrary: fc.array(fc.oneof(id(64), fc.constantFrom<unknown>(1, null, [], {})), { maxLength: 3 }), weight: 1 },
    );
  if (key === "amount") return fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 100_000 }));
  if (key === "at" || key === "promisedShipBy" || key === "cardSentAt") return time;
  if (key === "shopId") return id(64);
  return id(128);
}

type Event = Record<string, unknown>;
const validish = fc.constantFrom(...EVENT_SCHEMAS).chain((schema) => {
  const type = schema.shape.type.value;
  const fields = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, f]) => {
    const value = fieldArbitrary(type, key, f);
    return [key, f instanceof z.ZodOptional ? fc.option(value, { nil: undefined, freq: 2 }) : value] as const;
  });
  return fc.tuple(...fields.map(([, a]) => a)).map((values) => {
    const e: Event = {};
    // Envelope first in the order merchants usually send it (type before platform), not the shape's.
    e.id = values[0];
    e.type = type;
    fields.forEach(([key], i) => {
      if (values[i] !== undefined) e[key] = values[i];
    });
    return e;
  });
});

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, true, 0, -0, -1, 0.5, 1e300, "", "x", NaN, Infinity, -Infinity, [], {}, [1], { a: 1 }),
  fc.constantFrom<unknown>(...EVENT_TYPES, ...PLATFORMS, "good", "agree", "refunded", "satisfied", "5", 5),
);
/** One change to a valid event: a field replaced, deleted or set to undefined, an extra key, or another type. */
const mutation = fc.oneof(
  fc.tuple(fc.constant("set" as const), fc.nat(), junk),
  fc.tuple(fc.constant("delete" as const), fc.nat(), fc.constant(null)),
  fc.tuple(fc.constant("undefined" as const), fc.nat(), fc.constant(null)),
  fc.tuple(fc.constant("extra" as const), fc.constantFrom("note", "source", "__proto__", "constructor", "toString"), junk),
  fc.tuple(fc.constant("type" as const), fc.constantFrom<unknown>(...EVENT_TYPES, "order.exploded", 1, null), fc.constant(null)),
);
function mutate(e: Event, [op, which, value]: [string, unknown, unknown]): Event {
  const out = { ...e };
  const keys = Object.keys(out);
  const key = typeof which === "number" ? keys[which % keys.length]! : String(which);
  if (op === "set") out[key] = value;
  else if (op === "delete") delete out[key];
  else if (op === "undefined") out[key] = undefined;
  else if (op === "extra") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out.type = which;
  return out;
}
const mutated = fc.tuple(validish, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([e, ms]) => ms.reduce(mutate, e));

describe("catalog fast path ≡ zod", () => {
  it("compiles every event type", () => {
    expect(catalogFastPath.unsupported).toEqual([]);
  });

  // Thousands of generated events: seconds on a busy two-core machine, past vitest's 5 s default.
  it("vouches for every valid event of every type, with zod's exact output", { timeout: 60_000 }, () => {
    let vouched = 0;
    fc.assert(
      fc.property(validish, (e) => {
        if (agrees(e, true)) vouched++;
        // As the intake sees it: through JSON.
        agrees(JSON.parse(JSON.stringify(e)), true);
      }),
      { numRuns: 2500 },
    );
    expect(vouched).toBeGreaterThan(1500);
  });

  // Thousands of generated events: seconds on a busy two-core machine, past vitest's 5 s default.
  it("refuses what zod refuses and keeps zod's problems, on mutated events", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutated, (e) => {
        agrees(e, true);
        const text = JSON.stringify(e);
        if (text !== undefined) agrees(JSON.parse(text), true);
      }),
      { numRuns: 3000 },
    );
  });

  // Thousands of generated events: seconds on a busy two-core machine, past vitest's 5 s default.
  it("agrees on every field of every type set to each edge value, or left out", { timeout: 60_000 }, () => {
    const edges: unknown[] = [
      ...[0, 1, 63, 64, 65, 127, 128, 129].map((n) => "x".repeat(n)),
      "\uD800",
      "a\uDC00",
      "\uDBFF\uDFFF",
      ...[0, -0, -1, 0.5, 1.5, 1e300, NaN, Infinity, -Infinity, 2 ** 53, 8_640_000_000_000_000, 8_640_000_000_000_001],
      "2026-03-02T11:00:00+08:00",
      "2026-03-02T11:00+08:00",
      "2026-02-29T11:00:00Z",
      "2026-03-02T11:00:00",
      ...[true, false, null, undefined, [], {}, "5", 5],
    ];
    let n = 0;
    fc.assert(
      fc.property(validish, (e) => {
        for (const key of Object.keys(CanonicalEvent.options.find((o) => o.shape.type.value === e.type)!.shape)) {
          for (const value of edges) {
            agrees({ ...e, [key]: value }, true);
            n++;
          }
          const { [key]: _, ...rest } = e;
          agrees(rest, true);
        }
      }),
      { numRuns: 40 },
    );
    expect(n).toBeGreaterThan(8000);
  });

  it("agrees on keys set through JSON (`__proto__`), other prototypes and non-objects", () => {
    const base = { id: "e", type: "order.shipped", platform: "jd", shopId: "s", at: 0, orderId: "o" };
    const cases: unknown[] = [
      JSON.parse('{"id":"e","type":"order.shipped","platform":"jd","shopId":"s","at":0,"orderId":"o","__proto__":{"x":1}}'),
      JSON.parse('{"id":"e","type":"order.shipped","platform":"jd","shopId":"s","at":0,"orderId":"o","__proto__":null}'),
      JSON.parse('{"id":"e","type":"order.shipped","platform":"jd","shopId":"s","at":0,"orderId":"o","__proto__":5}'),
      Object.assign(Object.create(null) as object, base),
      Object.assign(Object.create({ orderId: "inherited" }) as object, { ...base, orderId: undefined }),
      Object.assign(new (class Event {})(), base),
      [base],
      Object.assign([], base),
      null,
      undefined,
      "event",
      42,
      { ...base, amount: 1 },
      { ...base, type: "order.paid", amount: undefined },
      { ...base, type: "order.paid", amount: NaN },
      { ...base, type: "order.paid", amount: -0 },
    ];
    for (const c of cases) agrees(c, false);
  });
});
