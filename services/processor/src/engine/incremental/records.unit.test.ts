import type { CanonicalEvent } from "@sg/events";
import { describe, expect, it } from "vitest";
import { aftersaleFacts, foldAftersale, recordTimeRange, recordTimes, type AftersaleRec } from "./records.js";

const t = Date.parse("2026-02-26T22:40:00+08:00");
const signed = (id: string) =>
  ({
    id,
    type: "aftersale.return_signed",
    platform: "douyin",
    shopId: "s",
    at: new Date(t).toISOString(),
    afterSaleId: "A",
  }) as unknown as CanonicalEvent;

describe("an after-sale's returns signed (each opens a merchant wait)", () => {
  it("keeps two signed at one instant with different ids as two, and a duplicate of either as nothing new", () => {
    let a: AftersaleRec = {};
    a = foldAftersale(a, signed("r1"), t);
    a = foldAftersale(a, signed("r2"), t);
    a = foldAftersale(a, signed("r1"), t);
    expect(aftersaleFacts("A", a).returnSigned).toEqual([t, t]);
  });
});

describe("recordTimeRange", () => {
  it("is the least and the greatest of recordTimes on random records (undefined when it lists none)", () => {
    let x = 987654;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const value = (depth: number): unknown => {
      const r = rnd();
      if (r < 0.3) return t + Math.floor((rnd() - 0.5) * 1e10);
      if (r < 0.4) return Math.floor(rnd() * 100);
      if (r < 0.45) return "s";
      if (r < 0.5) return rnd() < 0.5 ? null : undefined;
      if (depth > 3) return true;
      if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0, n = Math.floor(rnd() * 4); i < n; i++) o[`k${i}`] = value(depth + 1);
      return o;
    };
    let none = 0;
    for (let i = 0; i < 3000; i++) {
      const rec = value(0) as AftersaleRec;
      const times = recordTimes("a:A", rec);
      const range = recordTimeRange(rec);
      if (times.length === 0) {
        none++;
        expect(range).toBeUndefined();
      } else expect(range).toEqual({ min: Math.min(...times), max: Math.max(...times) });
    }
    expect(none).toBeGreaterThan(0);
    expect(none).toBeLessThan(3000);
  });
});
