import { describe, expect, it } from "vitest";
import { bucketQuantile, bucketsSince, parseBuckets } from "./histogram.js";

const page = (n: [number, number, number, number]) =>
  [
    "# HELP sg_processor_evaluation_wait_seconds x",
    "# TYPE sg_processor_evaluation_wait_seconds histogram",
    `sg_processor_evaluation_wait_seconds_bucket{le="0.5"} ${n[0]}`,
    `sg_processor_evaluation_wait_seconds_bucket{le="1"} ${n[1]}`,
    `sg_processor_evaluation_wait_seconds_bucket{le="2"} ${n[2]}`,
    `sg_processor_evaluation_wait_seconds_bucket{le="+Inf"} ${n[3]}`,
    `sg_processor_evaluation_wait_seconds_sum 12`,
    `sg_processor_evaluation_wait_seconds_count ${n[3]}`,
    `sg_processor_evaluation_duration_seconds_bucket{le="1"} 99`,
  ].join("\n");

describe("histogram quantiles from a /metrics page (as Prometheus's histogram_quantile)", () => {
  it("reads the buckets of one metric, and the counts between two readings", () => {
    const b = parseBuckets(page([1, 2, 3, 4]), "sg_processor_evaluation_wait_seconds");
    expect(b).toEqual([
      { le: 0.5, count: 1 },
      { le: 1, count: 2 },
      { le: 2, count: 3 },
      { le: Infinity, count: 4 },
    ]);
    const later = parseBuckets(page([11, 62, 92, 102]), "sg_processor_evaluation_wait_seconds");
    expect(bucketsSince(later, b).map((x) => x.count)).toEqual([10, 60, 89, 98]);
  });

  it("interpolates within the bucket the rank falls in", () => {
    // 98 observations: 10 ≤ 0.5 s, 50 in (0.5, 1], 29 in (1, 2], 9 above 2 s.
    const b = [
      { le: 0.5, count: 10 },
      { le: 1, count: 60 },
      { le: 2, count: 89 },
      { le: Infinity, count: 98 },
    ];
    // p50: rank 49 lies in (0.5, 1]: 0.5 + 0.5 × (49 − 10) / 50 = 0.89.
    expect(bucketQuantile(b, 0.5)).toBeCloseTo(0.89, 10);
    // p10: rank 9.8 in [0, 0.5]: 0.5 × 9.8 / 10 = 0.49.
    expect(bucketQuantile(b, 0.1)).toBeCloseTo(0.49, 10);
    // p99: rank 97.02 falls in +Inf: the highest finite bound.
    expect(bucketQuantile(b, 0.99)).toBe(2);
    expect(bucketQuantile([{ le: Infinity, count: 0 }], 0.5)).toBeNaN();
  });
});
