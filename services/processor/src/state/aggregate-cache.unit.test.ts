import { describe, expect, it } from "vitest";
import { hashPart, heldStamp, partIsEmpty, pendingPart } from "./aggregate-cache.js";

describe("held stamps (readAggregates.lua's ARGV)", () => {
  const parse = (member: string, deadline: number) => ({ metric: 0, day: undefined, key: member, deadline });
  it("marks a part held empty with '!', and only such a part", () => {
    expect(heldStamp(undefined)).toBe("");
    expect(heldStamp(hashPart("e:t1", []))).toBe("e:t1!");
    expect(heldStamp(hashPart("e:t2", ["0|n", "3"]))).toBe("e:t2");
    expect(heldStamp(pendingPart("e:t3", [], parse))).toBe("e:t3!");
    expect(heldStamp(pendingPart("e:t4", ["0|-||o:1", "1000"], parse))).toBe("e:t4");
  });
  it("tells an empty part from one with a field whose value is 0", () => {
    expect(partIsEmpty(hashPart("s", ["0|n", "0"]))).toBe(false);
    expect(partIsEmpty(hashPart("s", []))).toBe(true);
  });
});
