import { describe, expect, it } from "vitest";
import { PartitionProgress } from "./partition-progress.js";

describe("PartitionProgress", () => {
  it("reports a partition stalled only while it has lag and has not advanced for the given time", () => {
    let now = 1_000_000;
    const p = new PartitionProgress(() => now);
    p.assigned([0, 1]);
    p.fetched(0, 500);
    p.fetched(1, 3);
    p.advanced(1, 0);
    now += 59_000;
    expect(p.stalled(60_000)).toEqual([]);
    now += 2_000;
    expect(p.stalled(60_000)).toEqual([0]);
    expect(p.stalledSeconds(0)).toBe(61);
    // No lag: never stalled, whatever the time or the threshold.
    expect(p.stalledSeconds(1)).toBe(0);
    expect(p.stalled(0)).toEqual([0]);
    p.advanced(0, 100);
    expect(p.stalled(60_000)).toEqual([]);
    expect(p.lagOf(0)).toBe(100);
  });

  it("starts a newly assigned partition's clock at the join, and forgets partitions moved away", () => {
    let now = 0;
    const p = new PartitionProgress(() => now);
    p.fetched(4, 10);
    now = 120_000;
    expect(p.stalled(60_000)).toEqual([4]);
    p.assigned([4, 5]);
    expect(p.stalled(60_000)).toEqual([]);
    p.assigned([5]);
    expect(p.partitions()).toEqual([5]);
    expect(p.lagOf(4)).toBeUndefined();
  });
});
