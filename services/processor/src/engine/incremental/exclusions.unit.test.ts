import type { CanonicalEvent } from "@sg/events";
import { describe, expect, it } from "vitest";
import { decodeStored, encodeStored } from "./codec.js";
import { foldEvent, type OrderRec } from "./records.js";
import { standing } from "./exclusions.js";

const T = Date.parse("2026-03-08T10:00:00+08:00");
const H = 3_600_000;
const x = (id: string, type: "exclusion.requested" | "exclusion.decided", at: number, extra: Record<string, unknown> = {}) =>
  ({
    id,
    type,
    platform: "douyin",
    shopId: "d1",
    at,
    scope: "order",
    itemId: "P,3;|%",
    reason: "appeal",
    ...extra,
  }) as unknown as CanonicalEvent;

const events = [
  x("r2", "exclusion.requested", T - H, { reason: "late_shipment_filing" }),
  x("r1", "exclusion.requested", T, { metrics: ["pickup_24h_rate", "delivery_hours"] }),
  x("d1", "exclusion.decided", T + 2 * H, { decision: "approved" }),
  x("d3", "exclusion.decided", T + 3 * H, { decision: "rejected", metrics: ["pickup_24h_rate"] }),
  x("d2", "exclusion.decided", T + 3 * H, { decision: "approved", reason: "platform_announcement" }),
  x("o1", "exclusion.decided", T, { exclusionId: "AP-9", decision: "approved" }),
];

/** Every permutation of a list (6 events: 720). */
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((v, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [v, ...p]));
}

describe("exclusions in a record", () => {
  it("fold to the same record in any arrival order, with duplicates: first request, latest decision by (at, id)", () => {
    const fold = (es: CanonicalEvent[]) => es.reduce<OrderRec>((r, e) => foldEvent("o:P,3;|%", r, e, Number(e.at)) as OrderRec, {});
    const want = fold(events);
    for (const p of permutations(events)) expect(fold([...p, p[0]!])).toEqual(want);
    const [main, other] = want.excl!;
    // Two identities: without exclusionId and with AP-9 (a decision without a request).
    expect(other!.exclusionId).toBe("AP-9");
    expect(standing(other!)).toMatchObject({ state: "approved", at: T });
    expect(main!.request).toMatchObject({ id: "r2", reason: "late_shipment_filing" });
    // d2 and d3 at one instant: the later id (d3) stands, with its own metrics.
    expect(standing(main!)).toEqual({ state: "rejected", reason: "appeal", metrics: ["pickup_24h_rate"], at: T + 3 * H });
  });

  it("survive the stored form (escaped ids, metric lists, a decision without a request, a record of exclusions only)", () => {
    const rec = events.reduce<OrderRec>((r, e) => foldEvent("o:P,3;|%", r, e, Number(e.at)) as OrderRec, {});
    const back = decodeStored("o:P,3;|%", encodeStored("o:P,3;|%", { rec, calcAt: T + 5 * H }));
    expect(back.rec).toEqual(rec);
    expect(back.calcAt).toBe(T + 5 * H);
    const withFacts: OrderRec = { ...rec, paid: { at: T + 9 * H, id: "p", flags: 0 }, signedAt: T + 30 * H };
    expect(decodeStored("o:P,3;|%", encodeStored("o:P,3;|%", { rec: withFacts, calcAt: T })).rec).toEqual(withFacts);
  });
});
