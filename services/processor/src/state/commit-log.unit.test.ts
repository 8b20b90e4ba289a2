import { describe, expect, it } from "vitest";
import { CommitLog } from "./commit-log.js";

/** A delta writing these records and timers (only their keys matter to the log). */
const delta = (records: string[], timers: string[] = []) => ({
  records: new Map(records.map((k) => [k, null])),
  timers: new Map(timers.map((k) => [k, null])),
});

describe("the commit log the forecast's timed read rests on", () => {
  it("lists the entities written since a version only while every commit since is known", () => {
    const log = new CommitLog();
    // Nothing known yet: the forecast reads every timed entity.
    expect(log.since("s", 4)).toBeUndefined();
    log.read("s", 4);
    expect(log.since("s", 4)).toEqual({ expected: 4, keys: [] });
    log.committed("s", 4, 5, delta(["o:1"], ["o:2"]));
    log.committed("s", 5, 6, delta(["o:3", "o:1"]));
    expect(log.since("s", 4)).toEqual({ expected: 6, keys: ["o:1", "o:2", "o:3"] });
    // A version inside the chain: a superset of what was written since it (re-reading more is exact).
    expect(log.since("s", 5)).toEqual({ expected: 6, keys: ["o:1", "o:2", "o:3"] });
    expect(log.since("s", 3)).toBeUndefined();
    expect(log.since("s", 7)).toBeUndefined();
    // Another writer made version 7: our commit from 7 does not continue the chain, which restarts after it.
    log.committed("s", 7, 8, delta(["o:9"]));
    expect(log.since("s", 6)).toBeUndefined();
    expect(log.since("s", 8)).toEqual({ expected: 8, keys: [] });
    // A read at the last version starts afresh; at another version too.
    log.committed("s", 8, 9, delta(["o:4"]));
    log.read("s", 9);
    expect(log.since("s", 9)).toEqual({ expected: 9, keys: [] });
    expect(log.since("s", 8)).toBeUndefined();
    log.read("s", 12);
    expect(log.since("s", 9)).toBeUndefined();
    expect(log.since("s", 12)).toEqual({ expected: 12, keys: [] });
  });

  it("is bounded: a shop with too many entities written is dropped, and so are the oldest shops over the total", () => {
    const log = new CommitLog();
    log.read("big", 0);
    log.committed("big", 0, 1, delta(Array.from({ length: 5_001 }, (_, i) => `o:${i}`)));
    expect(log.since("big", 0)).toBeUndefined();
    expect(log.heldKeys).toBe(0);
    for (let s = 0; s < 30; s++) {
      log.read(`s${s}`, 0);
      log.committed(`s${s}`, 0, 1, delta(Array.from({ length: 4_000 }, (_, i) => `o:${i}`)));
    }
    expect(log.heldKeys).toBeLessThanOrEqual(100_000);
    expect(log.since("s0", 0)).toBeUndefined();
    expect(log.since("s29", 0)?.keys).toHaveLength(4_000);
  });
});
