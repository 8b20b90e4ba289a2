import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStored, encodeBody, encodeStored, storedBase } from "./codec.js";
import { expireAt, storedMayExpire } from "./delta.js";
import { CLOSED_KEEP_MS } from "../../retention.js";
import type { AftersaleRec, AftersaleSummary, ConsumerRec, MessageKind, OrderRec } from "./records.js";

/** Times anywhere in 2001–2286, and strings holding every separator and escape character of the codec. */
const time = fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 });
const text = fc.string({
  unit: fc.constantFrom("a", "Z", "0", "-", "_", "%", ",", ";", "|", ".", "~", "%2C", "é", "[", " "),
  maxLength: 8,
});
const flag = fc.boolean();
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 4 });
/** Values that are never empty where the stored form writes an absent one as empty. */
const word = text.filter((s) => s !== "");

const summary: fc.Arbitrary<AftersaleSummary> = fc.record(
  {
    requestedAt: time,
    requestId: text,
    kind: text,
    reason: text,
    afterShipment: flag,
    overdueEntry: flag,
    cancelledFirst: flag,
    lastDecision: word,
    lastLiability: word,
    completedAt: time,
    intervened: flag,
    refundedFirst: fc.constant(true as const),
  },
  { requiredKeys: ["requestedAt", "requestId", "kind", "reason", "afterShipment", "overdueEntry", "cancelledFirst", "intervened"] },
);
const order: fc.Arbitrary<OrderRec> = fc.record(
  {
    paid: fc.record(
      { at: time, id: text, flags: fc.integer({ min: 0, max: 7 }), promisedShipBy: time },
      { requiredKeys: ["at", "id", "flags"] },
    ),
    cancelledAt: time,
    shippedAt: time,
    pickedUpAt: time,
    lastTrackAt: time,
    signedAt: time,
    review: fc.record(
      { at: time, id: text, rating: text, score: fc.integer({ min: 1, max: 5 }) },
      { requiredKeys: ["at", "id", "rating"] },
    ),
    signPromise: fc.record({ at: time, id: text, promisedSignBy: time }),
    slowShippingFeedbackAt: time,
    otherShippingFeedbackAt: time,
    complaintAt: time,
    aftersales: fc.dictionary(text, summary, { minKeys: 1, maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const aftersale: fc.Arbitrary<AftersaleRec> = fc.record(
  {
    request: fc.record({ at: time, id: text, orderId: text, kind: text, reason: text, afterShipment: flag, overdueEntry: flag }),
    acts: list(fc.record({ at: time, id: text, decision: text })),
    returnsSigned: list(fc.record({ at: time, id: text })),
    ready: list(time),
    processed: list(time),
    awaitingCustomer: list(time),
    intervened: list(time),
    cancelled: list(time),
    arbitrations: list(fc.record({ at: time, id: text, liability: text })),
    completions: list(fc.record({ at: time, id: text, outcome: text })),
  },
  { requiredKeys: [] },
);
const consumer: fc.Arbitrary<ConsumerRec> = fc.record(
  {
    transfers: list(time),
    closes: list(time),
    messages: list(fc.record({ at: time, kind: fc.constantFrom<MessageKind>("consumer", "reply", "other") })),
    ratings: list(fc.record({ at: time, id: text, cardSentAt: time, rating: text, robot: flag })),
    excludedAt: time,
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
    const rec: AftersaleRec = {
      request: {
        at: 1_700_000_000_000,
        id: "r1",
        orderId: "69;1%",
        kind: "refund_only",
        reason: "quality",
        afterShipment: true,
        overdueEntry: false,
      },
    };
    expect(encodeStored("a:as1", { rec, calcAt: 1_700_000_100_000 })).toMatch(/^~69%3B1%25;/);
    expect(encodeStored("a:as2", { rec: {}, calcAt: 1_700_000_100_000 })).toMatch(/^~;/);
  });

  it("stores a conversation-day in under 70 characters", () => {
    const t = 1_780_000_000_000;
    const rec: ConsumerRec = {
      transfers: [t],
      closes: [t + 300_000],
      messages: [
        { at: t + 1000, kind: "consumer" },
        { at: t + 41_000, kind: "reply" },
        { at: t + 90_000, kind: "consumer" },
        { at: t + 120_000, kind: "reply" },
      ],
    };
    const s = encodeStored("c:u1", { rec, calcAt: t + 86_400_000 });
    expect(s.length).toBeLessThan(70);
  });

  it("lets the expiry sweep skip only records that have not expired (delta.ts storedMayExpire, read from the base)", () => {
    const DAY = 86_400_000;
    let skipped = 0;
    fc.assert(
      fc.property(
        entity,
        text,
        time,
        fc.integer({ min: -40 * DAY, max: 2 * DAY }),
        fc.constantFrom(CLOSED_KEEP_MS, 92 * DAY, DAY),
        ([kind, wide], id, calcAt, offset, keep) => {
          const key = `${kind}${id}`;
          // A record's times within 60 days of each other, as a shop's are.
          const cluster = (v: unknown): unknown =>
            typeof v === "number" && v > 1e11
              ? 1_700_000_000_000 + (v % (60 * DAY))
              : Array.isArray(v)
                ? v.map(cluster)
                : v && typeof v === "object"
                  ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cluster(x)]))
                  : v;
          const rec = cluster(wide) as typeof wide;
          const stored = encodeStored(key, { rec, calcAt });
          const expiry = expireAt(key, rec, keep);
          // Moments around the record's expiry and around its base + keep (where the filter's answer changes).
          for (const now of [expiry + offset, storedBase(stored) + keep + offset]) {
            if (!storedMayExpire(stored, now, keep)) {
              skipped++;
              expect(now, "a record the filter skips has not expired").toBeLessThan(expiry);
            }
            // A record past its expiry is always decoded.
            if (now >= expiry) expect(storedMayExpire(stored, now, keep)).toBe(true);
          }
        },
      ),
      // A record without times (base 0, expireAt 0) at a moment before 0 + keep: once skipped by the filter.
      { numRuns: 3000, examples: [[["c:", {}], "", 1_000_000_000_000, 0, CLOSED_KEEP_MS]] },
    );
    // The filter does skip records (most of a busy shop's slice is far from its expiry).
    expect(skipped).toBeGreaterThan(300);
  });
});
