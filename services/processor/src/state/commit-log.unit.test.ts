import { describe, expect, it } from "vitest";
import { CommitLog, stateMark } from "./commit-log.js";

/** A delta writing these records and timers (only their keys matter to the log). */
const delta = (records: string[], timers: string[] = []) => ({
  records: new Map(records.map((k) => [k, null])),
  timers: new Map(timers.map((k) => [k, null])),
});

describe("the commit log the forecast's timed read rests on", () => {
  // A state mark: the version and the token of the commit that made it (commit-log.ts).
  const m = (version: number, token = `t${version}`) => stateMark(version, token);

  it("lists the entities written since a mark only while every commit since is known", () => {
    const log = new CommitLog();
    // Nothing known yet: the forecast reads every timed entity.
    expect(log.since("s", m(4))).toBeUndefined();
    log.read("s", m(4));
    expect(log.since("s", m(4))).toEqual({ expected: m(4), keys: [] });
    log.committed("s", m(4), m(5), delta(["o:1"], ["o:2"]));
    log.committed("s", m(5), m(6), delta(["o:3", "o:1"]));
    expect(log.since("s", m(4))).toEqual({ expected: m(6), keys: ["o:1", "o:2", "o:3"] });
    // A mark inside the chain: a superset of what was written since it (re-reading more is exact).
    expect(log.since("s", m(5))).toEqual({ expected: m(6), keys: ["o:1", "o:2", "o:3"] });
    expect(log.since("s", m(3))).toBeUndefined();
    expect(log.since("s", m(7))).toBeUndefined();
    // Another writer made version 7: our commit from 7 does not continue the chain, which restarts after it.
    log.committed("s", m(7), m(8), delta(["o:9"]));
    expect(log.since("s", m(6))).toBeUndefined();
    expect(log.since("s", m(8))).toEqual({ expected: m(8), keys: [] });
    // A read at the last mark starts afresh; at another mark too.
    log.committed("s", m(8), m(9), delta(["o:4"]));
    log.read("s", m(9));
    expect(log.since("s", m(9))).toEqual({ expected: m(9), keys: [] });
    expect(log.since("s", m(8))).toBeUndefined();
    log.read("s", m(12));
    expect(log.since("s", m(9))).toBeUndefined();
    expect(log.since("s", m(12))).toEqual({ expected: m(12), keys: [] });
  });

  it("keeps the chain when the read was taken at a known mark before the last (a read that rode in an evaluation's round trip)", () => {
    const log = new CommitLog();
    log.read("s", m(4));
    log.committed("s", m(4), m(5), delta(["o:1"]));
    // The forecast's read was taken at 5; this process committed 6 before the forecast noted it.
    log.committed("s", m(5), m(6), delta(["o:2"]));
    log.read("s", m(5));
    // What was written since 5 is still known (with what was written before it: a superset, re-read exactly).
    expect(log.since("s", m(5))).toEqual({ expected: m(6), keys: ["o:1", "o:2"] });
    // A read at the last mark starts the chain afresh, as before.
    log.read("s", m(6));
    expect(log.since("s", m(6))).toEqual({ expected: m(6), keys: [] });
    expect(log.since("s", m(5))).toBeUndefined();
  });

  it("tells a state that only reached a known version again (a rollback, then other commits) from the known one", () => {
    const log = new CommitLog();
    log.read("s", m(4, "a"));
    log.committed("s", m(4, "a"), m(5, "b"), delta(["o:1"]));
    // The state was rolled back to version 4 and another instance's commit made version 5 with its own token:
    // our next commit starts from version 5 but not from the state we made.
    log.committed("s", m(5, "x"), m(6, "c"), delta(["o:2"]));
    expect(log.since("s", m(4, "a"))).toBeUndefined();
    expect(log.since("s", m(5, "b"))).toBeUndefined();
    expect(log.since("s", m(6, "c"))).toEqual({ expected: m(6, "c"), keys: [] });
    // The same version under another token is another state.
    expect(log.since("s", m(6, "y"))).toBeUndefined();
  });

  it("is bounded: a shop with too many entities written is dropped, and so are the oldest shops over the total", () => {
    const log = new CommitLog();
    log.read("big", m(0));
    log.committed("big", m(0), m(1), delta(Array.from({ length: 5_001 }, (_, i) => `o:${i}`)));
    expect(log.since("big", m(0))).toBeUndefined();
    expect(log.heldKeys).toBe(0);
    for (let s = 0; s < 30; s++) {
      log.read(`s${s}`, m(0));
      log.committed(`s${s}`, m(0), m(1), delta(Array.from({ length: 4_000 }, (_, i) => `o:${i}`)));
    }
    expect(log.heldKeys).toBeLessThanOrEqual(100_000);
    expect(log.since("s0", m(0))).toBeUndefined();
    expect(log.since("s29", m(0))?.keys).toHaveLength(4_000);
  });
});
