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
      paid: { at: t, id: "pay,1", flags: 5, promisedShipBy: t + 3_600_000 },
      cancelledAt: t + 10,
      shippedAt: t + 7_200_000,
      pickedUpAt: t + 9_000_000,
      lastTrackAt: t + 90_000_000,
      signedAt: t + 172_800_000,
      review: { at: t + 200_000_000, id: "rv1", rating: "good", score: 4 },
      signPromise: { at: t + 9_000_000, id: "pk1", promisedSignBy: t + 259_200_000 },
      slowShippingFeedbackAt: t + 50_000,
      otherShippingFeedbackAt: t + 40_000,
      complaintAt: t + 300_000_000,
      aftersales: {
        "as|1": {
          requestedAt: t + 180_000_000,
          requestId: "rq1",
          kind: "return_refund",
          reason: "quality",
          afterShipment: true,
          overdueEntry: false,
          cancelledFirst: false,
          lastDecision: "refuse",
          lastLiability: "merchant",
          completedAt: t + 400_000_000,
          intervened: true,
        },
        as2: {
          requestedAt: t + 190_000_000,
          requestId: "rq2",
          kind: "refund_only",
          reason: "other",
          afterShipment: false,
          overdueEntry: true,
          cancelledFirst: true,
          intervened: false,
        },
      },
    },
    "~;1ffuo0;mppy1i4g;p0,pay%2C1,5,255s0;ca;s4abk0;k5cwg0;l1hl0g0;g2uvpc0;f12kw;Fuv4;q4ym1hc;r3b2ozk,rv1,good,4;w5cwg0,pk1,4abk00;" +
      "aas%7C1,2z60w0,rq1,return_refund,quality,1,0,0,refuse,merchant,6m5dz4,1|as2,354cxs,rq2,refund_only,other,0,1,1,,,,0",
  ],
  [
    "o:o2",
    { paid: { at: t, id: "pay2", flags: 0 }, review: { at: t + 5, id: "rv2", rating: "bad" } },
    "~;1ffuo0;mppy1i4g;p0,pay2,0,;r5,rv2,bad",
  ],
  [
    "a:as|1",
    {
      request: { at: t, id: "rq1", orderId: "69;1", kind: "return_refund", reason: "quality", afterShipment: true, overdueEntry: false },
      acts: [
        { at: t + 1000, id: "m1", decision: "agree" },
        { at: t + 2000, id: "m2", decision: "refuse" },
      ],
      returnsSigned: [
        { at: t + 5000, id: "s1" },
        { at: t + 5000, id: "s2" },
      ],
      ready: [t + 6000],
      processed: [t + 7000, t + 8000],
      awaitingCustomer: [t + 9000],
      intervened: [t + 10000],
      cancelled: [t + 11000],
      arbitrations: [{ at: t + 12000, id: "ar1", liability: "merchant" }],
      completions: [{ at: t + 13000, id: "cp1", outcome: "refunded" }],
    },
    "~69%3B1;1ffuo0;mppy1i4g;q0,rq1,return_refund,quality,1,0;ars,m1,agree|1jk,m2,refuse;r99c,ar1,merchant;ca14,cp1,refunded;S3uw,s1|3uw,s2;d4mo;p5eg|668;w6y0;i7ps;n8hk",
  ],
  ["a:as3", {}, "~;mprdhcsg;0"],
  [
    "c:u%1",
    {
      transfers: [t + 100],
      closes: [t + 300_000],
      messages: [
        { at: t, kind: "consumer" },
        { at: t + 41_000, kind: "reply" },
        { at: t + 41_000, kind: "other" },
        { at: t + 90_000, kind: "consumer" },
      ],
      ratings: [
        { at: t + 400_000, id: "rt,1", cardSentAt: t + 350_000, rating: "satisfied", robot: true },
        { at: t + 500_000, id: "rt2", cardSentAt: t + 450_000, rating: "bad", robot: false },
      ],
      excludedAt: t + 600_000,
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
