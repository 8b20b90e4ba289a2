import { AlertRecord, RECONCILIATION_ALERT_ITEMS, type ReconciliationLine, type ReconciliationReport } from "@sg/events";
import { describe, expect, it } from "vitest";
import { driftAlertDetail } from "./drift-alert.js";

const line = (item: string, status: ReconciliationLine["status"], extra: Partial<ReconciliationLine> = {}): ReconciliationLine => ({
  item,
  kind: "metric",
  compared: "value",
  platform: 1,
  ours: 1,
  tolerance: 0,
  status,
  ...extra,
});

const report = (lines: ReconciliationLine[]): ReconciliationReport => ({
  platform: "douyin",
  shopId: "d1",
  day: "2026-12-05",
  comparedAtMs: 0,
  figures: { status: "received", attempts: 1 },
  packs: { platform: null, ours: "douyin@2023-06" },
  ours: null,
  lines,
  summary: {
    compared: lines.filter((l) => l.status === "match" || l.status === "drift").length,
    match: lines.filter((l) => l.status === "match").length,
    drift: lines.filter((l) => l.status === "drift").length,
    missing: 0,
    unknown: 0,
  },
  causes: [],
});

describe("the drift alert's detail", () => {
  it("names the day, the counts and each drifting item with both figures in its unit", () => {
    const d = driftAlertDetail(
      report([
        line("pickup_24h_rate", "match"),
        line("delivery_hours", "drift", { platform: 20.1, ours: 19.4 }),
        line("bad_review_rate", "drift", { kind: "indicator", compared: "points", platform: 60, ours: 80 }),
        line("score.total", "drift", { kind: "total", compared: "points", platform: 88, ours: null }),
        line("mystery", "unknown"),
      ]),
      { pickup_24h_rate: "ratio", delivery_hours: "hours", bad_review_rate: "ratio" },
    );
    expect(d).toEqual({
      day: "2026-12-05",
      compared: 4,
      drift: 3,
      items: [
        { item: "delivery_hours", kind: "metric", unit: "hours", platform: 20.1, ours: 19.4 },
        { item: "bad_review_rate", kind: "indicator", unit: "points", platform: 60, ours: 80 },
        { item: "score.total", kind: "total", unit: "points", platform: 88, ours: null },
      ],
    });
  });

  it("lists at most the first few items, counts them all, and fits the alert contract", () => {
    const lines = Array.from({ length: RECONCILIATION_ALERT_ITEMS + 5 }, (_, i) => line(`m${i}`, "drift", { platform: i, ours: 0 }));
    const d = driftAlertDetail(report(lines), {});
    expect(d.items).toHaveLength(RECONCILIATION_ALERT_ITEMS);
    expect(d.drift).toBe(RECONCILIATION_ALERT_ITEMS + 5);
    expect(d.items[0]).toMatchObject({ item: "m0", unit: "points" });
    const parsed = AlertRecord.parse({
      platform: "douyin",
      shopId: "d1",
      metric: "reconciliation",
      kind: "reconciliation_drift",
      status: "firing",
      severity: "warning",
      at: "2026-12-06T10:00:00+08:00",
      seq: 1,
      rulePack: "douyin@2023-06",
      direction: "max",
      unit: "count",
      value: d.drift,
      threshold: 0,
      target: null,
      reconciliation: d,
    });
    expect(parsed.reconciliation).toEqual(d);
  });
});
