import { describe, expect, it } from "vitest";
import { AppliedOffsets } from "./applied-offsets.js";

describe("applied offsets to commit", () => {
  it("commits the next offset to read after the last one applied, per assigned partition", () => {
    const o = new AppliedOffsets();
    o.markApplied(0, "41");
    o.markApplied(0, "99");
    o.markApplied(3, "7");
    expect(o.due([0, 3, 5])).toEqual([
      { partition: 0, offset: "100" },
      { partition: 3, offset: "8" },
    ]);
    // Only assigned partitions: one moved away is not this instance's to commit.
    expect(o.due([3])).toEqual([{ partition: 3, offset: "8" }]);
  });

  it("commits nothing again once Kafka acknowledged it, and what was applied since", () => {
    const o = new AppliedOffsets();
    o.markApplied(1, "10");
    const first = o.due([1]);
    o.acknowledged(first);
    expect(o.due([1])).toEqual([]);
    o.markApplied(1, "12");
    expect(o.due([1])).toEqual([{ partition: 1, offset: "13" }]);
  });

  it("never moves back: an older offset applied late or an older acknowledgement changes nothing", () => {
    const o = new AppliedOffsets();
    o.markApplied(2, "50");
    o.markApplied(2, "20");
    expect(o.due([2])).toEqual([{ partition: 2, offset: "51" }]);
    o.acknowledged([{ partition: 2, offset: "51" }]);
    o.acknowledged([{ partition: 2, offset: "21" }]);
    expect(o.due([2])).toEqual([]);
  });

  it("forgets everything at a new assignment", () => {
    const o = new AppliedOffsets();
    o.markApplied(0, "5");
    o.reset();
    expect(o.due([0])).toEqual([]);
  });

  it("keeps offsets beyond 2^53 exact", () => {
    const o = new AppliedOffsets();
    o.markApplied(0, "9007199254740993");
    expect(o.due([0])).toEqual([{ partition: 0, offset: "9007199254740994" }]);
  });
});
