import { describe, expect, it } from "vitest";
import { EVIDENCE_CSV_COLUMNS, EvidencePage, EvidenceQuery, MetricHistory, MetricOutput, ShopSnapshot } from "./index.js";

/** The evidence, history and forecast contracts (docs/evidence.md), ahead of the routes that will serve them. */
const day = (d: number) => `2026-11-${String(d).padStart(2, "0")}`;
const path = (status: "ok" | "breach") => ({
  points: [21, 22, 23, 24, 25, 26, 27].map((d) => ({ day: day(d), value: 0.9, status })),
  crosses: status === "breach" ? { line: "threshold", day: day(21) } : null,
});

describe("evidence contracts", () => {
  it("takes the four outcomes and refuses any other, naming outcome (the route's 400)", () => {
    for (const outcome of ["bad", "good", "pending", "excluded"]) expect(EvidenceQuery.parse({ outcome })).toEqual({ outcome, limit: 50 });
    const r = EvidenceQuery.safeParse({ outcome: "ugly" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["outcome"]);
    expect(EvidenceQuery.safeParse({ outcome: "bad", limit: "501" }).success).toBe(false);
    expect(EvidenceQuery.safeParse({ outcome: "bad", limit: "1e2" }).error!.issues).toHaveLength(1);
    expect(EvidenceQuery.parse({ outcome: "bad", limit: "500", cursor: "c" })).toEqual({ outcome: "bad", limit: 500, cursor: "c" });
  });

  it("states a bad item with its moments, words, days and cost", () => {
    const page = {
      platform: "douyin",
      shopId: "s1",
      metric: "pickup_24h_rate",
      outcome: "bad",
      asOf: "2026-11-20T12:00:00+08:00",
      window: { from: day(1), to: "2026-11-30" },
      total: 1,
      next: null,
      items: [
        {
          scope: "order",
          id: "A123",
          outcome: "bad",
          moments: [
            { name: "paid", at: "2026-11-18T08:00:00+08:00" },
            { name: "picked_up", at: "2026-11-19T10:10:00+08:00" },
          ],
          why: { "zh-CN": "支付后 26 小时 10 分揽收；时限 24 小时", en: "picked up 26 h 10 min after payment; line 24 h" },
          countsOn: day(18),
          leavesOn: "2026-12-18",
          cost: { valueWithout: 0.952, scoreWithout: null, dimension: "物流体验", dimensionWithout: 90 },
        },
      ],
    };
    expect(EvidencePage.parse(page)).toEqual(page);
    expect(EvidencePage.safeParse({ ...page, items: [{ ...page.items[0], countsOn: "18 Nov" }] }).success).toBe(false);
    expect(EvidencePage.safeParse({ ...page, outcome: "ugly" }).success).toBe(false);
  });

  it("names each CSV column in zh-CN and English", () => {
    for (const c of EVIDENCE_CSV_COLUMNS) {
      expect(c["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(c.en).toMatch(/^[A-Z][a-z ]+/);
    }
  });

  it("keeps 7 projected days per path and at most 90 days of history", () => {
    const forecast = { rollOff: path("ok"), atPace: path("breach"), toRecover: { goodItems: 3, line: "target" } };
    const history = {
      platform: "jd",
      shopId: "s",
      metric: "m",
      days: [{ day: day(19), value: null, status: "no_data", rulePack: "jd@2023-01" }],
      forecast,
    };
    expect(MetricHistory.parse(history)).toEqual(history);
    expect(
      MetricHistory.safeParse({ ...history, forecast: { ...forecast, rollOff: { ...path("ok"), points: path("ok").points.slice(1) } } })
        .success,
    ).toBe(false);
    const days = Array.from({ length: 91 }, () => history.days[0]);
    expect(MetricHistory.safeParse({ ...history, days }).success).toBe(false);
  });

  it("adds forecast, ifApproved and pendingExclusions to the snapshot as new optional fields only", () => {
    const metric = { value: 0.9, numerator: 9, denominator: 10, status: "ok" };
    expect(MetricOutput.parse(metric)).toEqual(metric);
    const withNew = {
      ...metric,
      forecast: { rollOff: path("ok"), atPace: path("ok"), toRecover: null },
      ifApproved: { value: 1, numerator: 9, denominator: 9, status: "ok", pending: 1 },
    };
    expect(MetricOutput.parse(withNew)).toEqual(withNew);
    const snap = { platform: "kuaishou", shopId: "s", rulePack: "kuaishou@2023-03", metrics: { m: metric }, alerts: [] };
    expect(ShopSnapshot.parse(snap)).toEqual(snap);
    const pending = {
      scope: "consumer",
      itemId: "u1",
      reason: "malicious_consumer",
      requestedAt: "2026-11-20T09:00:00+08:00",
      effect: { human_reply_3min_rate: 0.8 },
    };
    expect(ShopSnapshot.parse({ ...snap, pendingExclusions: [pending] }).pendingExclusions).toEqual([pending]);
  });
});
