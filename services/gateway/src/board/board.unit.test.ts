import type { StoredSnapshot } from "@sg/events";
import { describe, expect, it } from "vitest";
import { TOKENS, bearer, testGateway } from "../../testing/test-support.js";
import { BOARD_CSP } from "./board.route.js";
import { metricMeta } from "./metric-meta.js";
import { diffSnapshots } from "./snapshot-diff.js";
import { formatCountdown, formatValue, headroomWords } from "./static/i18n.js";
import { applyChange, applySnapshot, createModel } from "./static/model.js";

const base: StoredSnapshot = {
  platform: "kuaishou",
  shopId: "s1",
  rulePack: "kuaishou@2023-03",
  asOf: "2026-03-02T10:00:00+08:00",
  asOfMs: 1_000,
  version: 1,
  metrics: {
    human_reply_3min_rate: { value: 1, numerator: 2, denominator: 2, pending: 2, headroom: 0, status: "ok" },
    human_good_review_rate: { value: null, status: "no_data" },
  },
  alerts: [],
  due: [
    { metric: "human_reply_3min_rate", item: "consumer", id: "c1", deadline: 5_000 },
    { metric: "human_reply_3min_rate", item: "consumer", id: "c2", deadline: 6_000 },
  ],
};

describe("snapshot diff and the page's model", () => {
  it("sends only what changed, and applying it to the previous snapshot gives the next one", () => {
    const next: StoredSnapshot = {
      ...base,
      version: 4,
      asOfMs: 2_000,
      asOf: "2026-03-02T10:00:01+08:00",
      metrics: {
        ...base.metrics,
        human_reply_3min_rate: { value: 0.5, numerator: 1, denominator: 2, pending: 1, headroom: -1, status: "breach" },
      },
      alerts: [
        {
          metric: "human_reply_3min_rate",
          kind: "threshold",
          severity: "critical",
          status: "firing",
          value: 0.5,
          threshold: 0.7,
          target: 0.85,
        },
      ],
      due: [
        { metric: "human_reply_3min_rate", item: "consumer", id: "c2", deadline: 7_000 },
        { metric: "human_reply_3min_rate", item: "consumer", id: "<img src=x>", deadline: 3_000 },
      ],
    };
    const change = diffSnapshots("kuaishou:s1", base, next);
    expect(Object.keys(change.metrics ?? {})).toEqual(["human_reply_3min_rate"]);
    expect(change.due?.remove).toEqual(["human_reply_3min_rate|consumer|c1"]);
    expect(change.due?.upsert.map((d) => d.id).sort()).toEqual(["<img src=x>", "c2"]);
    expect(change.alerts?.resolved).toEqual([]);
    expect(change.transitions?.map((t) => t.what).sort()).toEqual(["alert_firing", "status"]);

    const model = createModel();
    applySnapshot(model, { shop: "kuaishou:s1", snapshot: structuredClone(base) });
    expect(applyChange(model, change)).toBe(true);
    const got = model.shops.get("kuaishou:s1")!.snapshot;
    expect(got).toEqual({ ...next, due: [...next.due].sort((a, b) => a.deadline - b.deadline) });

    // The alert resolves and the queue empties: the reverse diff brings the model back.
    const back = diffSnapshots("kuaishou:s1", next, { ...base, version: 5 });
    expect(back.alerts?.resolved).toEqual(["human_reply_3min_rate|threshold"]);
    expect(applyChange(model, back)).toBe(true);
    expect(model.shops.get("kuaishou:s1")!.snapshot.alerts).toEqual([]);
    expect(model.shops.get("kuaishou:s1")!.transitions[0]).toMatchObject({ what: "status", from: "breach", to: "ok" });
  });

  it("refuses a change that does not follow the version held (a missed message)", () => {
    const model = createModel();
    applySnapshot(model, { shop: "kuaishou:s1", snapshot: structuredClone(base) });
    const change = diffSnapshots("kuaishou:s1", { ...base, version: 2 }, { ...base, version: 3 });
    expect(applyChange(model, change)).toBe(false);
    expect(model.shops.get("kuaishou:s1")!.snapshot.version).toBe(1);
  });
});

describe("board words", () => {
  it("says the headroom in words, in Chinese and English", () => {
    const meta = { kind: "reply_consumer_day", window: "day" };
    expect(headroomWords("en", 2, meta)).toBe("2 more misses allowed today");
    expect(headroomWords("en", 1, meta)).toBe("1 more miss allowed today");
    expect(headroomWords("zh-CN", 2, meta)).toBe("今天还能再有 2 次超时");
    expect(headroomWords("en", 3, { kind: "pickup_rate", window: "30d" })).toBe("3 more late pickups allowed in the 30-day window");
    expect(headroomWords("en", undefined, meta)).toBeNull();
    expect(formatValue("en", "ratio", 0.6667)).toBe("66.7%");
    expect(formatCountdown("en", 155_000)).toBe("2:35");
    expect(formatCountdown("zh-CN", 86_400_000 + 3_723_000)).toBe("1天 01:02:03");
  });

  it("applies the shop's configured threshold over the pack's", () => {
    const meta = metricMeta("kuaishou@2023-03", "kuaishou:s1", {
      "kuaishou:s1": { metrics: { human_reply_3min_rate: { threshold: 0.75 } } },
    });
    expect(meta.human_reply_3min_rate).toMatchObject({ threshold: 0.75, target: 0.85, leadTimeMs: 60_000, direction: "min" });
    expect(metricMeta("kuaishou@2023-03", "kuaishou:s2", {}).human_reply_3min_rate?.threshold).toBe(0.7);
  });
});

describe("board routes", () => {
  it("serves the page with a CSP that allows no inline script, and no page references an inline script", async () => {
    const gw = testGateway();
    const page = await gw.app.inject({ method: "GET", url: "/board" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(BOARD_CSP);
    expect(BOARD_CSP).toContain("script-src 'self'");
    expect(BOARD_CSP).not.toContain("unsafe-inline");
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.body).not.toMatch(/\son\w+=/);
    const js = await gw.app.inject({ method: "GET", url: "/board/static/board.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toContain("text/javascript");
    expect(js.body).not.toContain("innerHTML");
    expect((await gw.app.inject({ method: "GET", url: "/board/static/..%2Fboard.route.ts" })).statusCode).toBe(404);
    expect((await gw.app.inject({ method: "GET", url: "/" })).headers.location).toBe("/board");
  });

  it("the stream needs a known token, and answers 503 without a snapshot feed", async () => {
    const gw = testGateway();
    expect((await gw.app.inject({ method: "GET", url: "/board/stream" })).statusCode).toBe(401);
    expect((await gw.app.inject({ method: "GET", url: "/board/stream", headers: bearer("nope") })).statusCode).toBe(401);
    expect((await gw.app.inject({ method: "GET", url: "/board/stream", headers: bearer(TOKENS.s1) })).statusCode).toBe(503);
  });
});
