import type { AlertRecord } from "@sg/events";
import { newGroup, type GroupRoute, type GroupState } from "../src/model/group.js";

/** Test data builders shared by the model's unit tests. */
export function record(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    platform: "kuaishou",
    shopId: "s1",
    metric: "human_reply_3min_rate",
    kind: "threshold",
    status: "firing",
    severity: "critical",
    at: "2026-11-20T14:00:00+08:00",
    seq: 1,
    rulePack: "kuaishou@2023-03",
    direction: "min",
    unit: "ratio",
    value: 0.68,
    threshold: 0.7,
    target: 0.85,
    numerator: 17,
    denominator: 25,
    headroom: -1,
    ...over,
  };
}

export const ROUTE: GroupRoute = {
  id: "r0",
  receivers: ["ding", "hook"],
  mentions: { mobiles: [], userIds: [], all: false },
  groupWait: 30_000,
  groupInterval: 300_000,
  repeatInterval: 4 * 3600_000,
  resolveAfter: 60_000,
};

export const GROUP_ID = "r0|shop=kuaishou%3As1";

export function create(now: number): () => GroupState {
  return () => newGroup(GROUP_ID, ROUTE, '{}/r0:{shop="kuaishou:s1"}', { shop: "kuaishou:s1" }, now);
}
