import type { CanonicalEvent } from "@sg/events";
import { describe, expect, it } from "vitest";
import { aftersaleFacts, foldAftersale, type AftersaleRec } from "./records.js";

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
