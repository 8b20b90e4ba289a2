import { describe, expect, it } from "vitest";
import { decodeStored, encodeStored } from "./codec.js";
import type { EntityRec } from "./records.js";

/**
 * The stored form is what Redis holds across versions: these strings were written by the codec before the
 * records got readable field names, and every later codec must write and read them unchanged (no rebuild of
 * stored state, and the bench's bytes per entity stay where they are).
 */
const t = 1_780_000_000_000;
const calcAt = t + 86_400_000;
const golden: [key: string, rec: EntityRec, stored: string][] = [
  [
    "o:69;1",
    {
      p: [t, "pay,1", 5, t + 3_600_000],
      c: t + 10,
      s: t + 7_200_000,
      k: t + 9_000_000,
      l: t + 90_000_000,
      g: t + 172_800_000,
      r: [t + 200_000_000, "rv1", "good", 4],
      w: [t + 9_000_000, "pk1", t + 259_200_000],
      fs: t + 50_000,
      fo: t + 40_000,
      q: t + 300_000_000,
      as: {
        "as|1": [t + 180_000_000, "rq1", "return_refund", "quality", 1, 0, 0, "refuse", "merchant", t + 400_000_000, 1],
        as2: [t + 190_000_000, "rq2", "refund_only", "other", 0, 1, 1, "", "", -1, 0],
      },
    },
    "~;1ffuo0;mppy1i4g;p0,pay%2C1,5,255s0;ca;s4abk0;k5cwg0;l1hl0g0;g2uvpc0;f12kw;Fuv4;q4ym1hc;r3b2ozk,rv1,good,4;w5cwg0,pk1,4abk00;" +
      "aas%7C1,2z60w0,rq1,return_refund,quality,1,0,0,refuse,merchant,6m5dz4,1|as2,354cxs,rq2,refund_only,other,0,1,1,,,,0",
  ],
  ["o:o2", { p: [t, "pay2", 0, -1], r: [t + 5, "rv2", "bad", 0] }, "~;1ffuo0;mppy1i4g;p0,pay2,0,;r5,rv2,bad"],
  [
    "a:as|1",
    {
      q: [t, "rq1", "69;1", "return_refund", "quality", 1, 0],
      a: [
        [t + 1000, "m1", "agree"],
        [t + 2000, "m2", "refuse"],
      ],
      rs: [
        [t + 5000, "s1"],
        [t + 5000, "s2"],
      ],
      rd: [t + 6000],
      pr: [t + 7000, t + 8000],
      aw: [t + 9000],
      iv: [t + 10000],
      cn: [t + 11000],
      ar: [[t + 12000, "ar1", "merchant"]],
      cp: [[t + 13000, "cp1", "refunded"]],
    },
    "~69%3B1;1ffuo0;mppy1i4g;q0,rq1,return_refund,quality,1,0;ars,m1,agree|1jk,m2,refuse;r99c,ar1,merchant;ca14,cp1,refunded;S3uw,s1|3uw,s2;d4mo;p5eg|668;w6y0;i7ps;n8hk",
  ],
  ["a:as3", {}, "~;mprdhcsg;0"],
  [
    "c:u%1",
    {
      t: [t + 100],
      x: [t + 300_000],
      m: [
        [t, "c"],
        [t + 41_000, "r"],
        [t + 41_000, "o"],
        [t + 90_000, "c"],
      ],
      r: [
        [t + 400_000, "rt,1", t + 350_000, "satisfied", 1],
        [t + 500_000, "rt2", t + 450_000, "bad", 0],
      ],
      ex: t + 600_000,
    },
    "~;1ffuo0;mppy1i4g;t2s;x6fhc;m0.c|vmw.r|vmw.o|1xg0.c;r8kn4,rt%2C1,7i28,satisfied,1|apsw,rt2,9n80,bad,0;ecuyo",
  ],
];

describe("the stored form of records (golden strings)", () => {
  it.each(golden)("%s is written exactly as before", (key, rec, stored) => {
    expect(encodeStored(key, { rec, calcAt })).toBe(stored);
  });
  it.each(golden)("%s is read back as the record", (key, rec, stored) => {
    const back = decodeStored(key, stored);
    expect(back.rec).toEqual(rec);
    expect(back.calcAt).toBe(calcAt);
  });
});
