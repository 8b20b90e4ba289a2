import type { StoredSnapshot } from "@sg/events";
import { describe, expect, it } from "vitest";
import { diffSnapshots, isEmptyChange } from "./snapshot-diff.js";
import { appealRows, appealStrings } from "./static/appeals.js";
import { applyChange, applySnapshot, createModel } from "./static/model.js";

const pending = {
  scope: "consumer" as const,
  itemId: "c2",
  exclusionId: "KS-9",
  reason: "malicious_consumer" as const,
  requestedAt: "2026-03-02T10:03:00+08:00",
  effect: { human_reply_3min_rate: 1 },
};

const base: StoredSnapshot = {
  platform: "kuaishou",
  shopId: "s1",
  rulePack: "kuaishou@2023-03",
  asOf: "2026-03-02T10:05:00+08:00",
  asOfMs: 1_000,
  version: 1,
  metrics: {
    human_reply_3min_rate: { value: 2 / 3, numerator: 2, denominator: 3, status: "breach" },
    human_good_review_rate: { value: null, status: "no_data" },
  },
  alerts: [],
  due: [],
};

describe("the board's pending appeals", () => {
  it("lists each pending exclusion with the value counted now and the value should it be approved", () => {
    const rows = appealRows({ ...base, pendingExclusions: [pending] });
    expect(rows).toEqual([
      {
        key: "consumer||c2|KS-9",
        scope: "consumer",
        itemId: "c2",
        consumerId: undefined,
        exclusionId: "KS-9",
        reason: "malicious_consumer",
        requestedAt: "2026-03-02T10:03:00+08:00",
        effects: [{ metric: "human_reply_3min_rate", now: 2 / 3, then: 1 }],
        score: undefined,
      },
    ]);
    expect(appealRows(base)).toEqual([]);
    expect(appealStrings("en").reason.malicious_consumer).toBe("malicious consumer");
    expect(appealStrings("zh-CN").reason.late_shipment_filing).toBe("延迟发货报备");
  });

  it("streams a change of the pending exclusions, and their end", () => {
    const next: StoredSnapshot = { ...base, version: 2, pendingExclusions: [pending] };
    const c = diffSnapshots("kuaishou:s1", base, next);
    expect(isEmptyChange(c)).toBe(false);
    expect(c.pendingExclusions).toEqual([pending]);
    const model = createModel();
    applySnapshot(model, { shop: "kuaishou:s1", snapshot: base });
    expect(applyChange(model, c)).toBe(true);
    expect(model.shops.get("kuaishou:s1")!.snapshot.pendingExclusions).toEqual([pending]);
    // Decided: none pending any more.
    const gone = diffSnapshots("kuaishou:s1", next, { ...base, version: 3 });
    expect(gone.pendingExclusions).toBeNull();
    expect(applyChange(model, gone)).toBe(true);
    expect(model.shops.get("kuaishou:s1")!.snapshot.pendingExclusions).toBeUndefined();
  });
});
