// The shop's pending appeals and exemptions (docs/exclusions.md): each exclusion requested and not decided,
// with its effect, each metric it reaches as counted now → should it be approved. Pure strings and rows, so
// it is unit-tested in Node; board.js puts them in the DOM as text.

const STRINGS = {
  "zh-CN": {
    title: "待审申诉与豁免",
    none: "没有待审的申诉",
    ifApproved: "若通过",
    score: "总分",
    requested: "申请于",
    scope: { order: "订单", aftersale: "售后", consumer: "买家", session: "会话" },
    reason: { appeal: "申诉", malicious_consumer: "恶意用户", late_shipment_filing: "延迟发货报备", platform_announcement: "平台公告" },
  },
  en: {
    title: "Pending appeals and exemptions",
    none: "No appeal pending",
    ifApproved: "if approved",
    score: "score",
    requested: "requested",
    scope: { order: "order", aftersale: "after-sale", consumer: "consumer", session: "session" },
    reason: {
      appeal: "appeal",
      malicious_consumer: "malicious consumer",
      late_shipment_filing: "late-shipment filing",
      platform_announcement: "platform announcement",
    },
  },
};

export function appealStrings(lang) {
  return STRINGS[lang === "en" ? "en" : "zh-CN"];
}

/**
 * One row per pending exclusion: its item, why, when, and per metric it reaches `{metric, now, then}` (values
 * in the metric's own units: the caller formats them), and the score `{now, then}` when the shop has one.
 */
export function appealRows(snapshot) {
  return (snapshot.pendingExclusions ?? []).map((p) => ({
    key: `${p.scope}|${p.consumerId ?? ""}|${p.itemId}|${p.exclusionId ?? ""}`,
    scope: p.scope,
    itemId: p.itemId,
    consumerId: p.consumerId,
    exclusionId: p.exclusionId,
    reason: p.reason,
    requestedAt: p.requestedAt,
    effects: Object.entries(p.effect)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([metric, then]) => ({ metric, now: snapshot.metrics[metric]?.value ?? null, then })),
    score:
      p.scoreIfApproved === undefined || snapshot.scores === undefined
        ? undefined
        : { now: snapshot.scores.total, then: p.scoreIfApproved },
  }));
}
