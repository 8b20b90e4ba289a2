import { describe, expect, it } from "vitest";
import { SilenceInputError, buildSilence, silencedBy, type AlertLabels } from "./silence.js";

const NOW = Date.parse("2026-11-20T10:00:00+08:00");
const labels: AlertLabels = { platform: "kuaishou", shop: "s1", metric: "human_reply_3min_rate", severity: "warning", kind: "threshold" };

function problems(input: unknown): string[] {
  try {
    buildSilence(input, "id", NOW);
  } catch (e) {
    if (e instanceof SilenceInputError) return e.problems.map((p) => `${p.field}: ${p.reason}`);
    throw e;
  }
  return [];
}

describe("buildSilence", () => {
  it("defaults startsAt to now and stores Shanghai ISO times", () => {
    const s = buildSilence({ matchers: [{ name: "shop", value: "kuaishou:s1" }], endsAt: "2026-11-20T04:00:00Z" }, "x", NOW);
    expect(s).toEqual({
      id: "x",
      matchers: [{ name: "shop", value: "kuaishou:s1" }],
      startsAt: "2026-11-20T10:00:00+08:00",
      endsAt: "2026-11-20T12:00:00+08:00",
    });
  });

  it("refuses empty matchers, unknown names, bad regex and an end before the start", () => {
    expect(problems({ matchers: [], endsAt: NOW + 1000 })).toEqual(["matchers: must have at least one matcher"]);
    expect(problems({ matchers: [{ name: "tenant", value: "a" }], endsAt: NOW + 1000 })[0]).toMatch(/^matchers\.0\.name/);
    expect(problems({ matchers: [{ name: "metric", value: "(", isRegex: true }], endsAt: NOW + 1000 })).toEqual([
      "matchers.0.value: is not a valid regular expression",
    ]);
    expect(problems({ matchers: [{ name: "kind", value: "at_risk" }], startsAt: NOW + 5000, endsAt: NOW + 1000 })).toEqual([
      "endsAt: must be after startsAt",
    ]);
    expect(problems({ matchers: [{ name: "kind", value: "at_risk" }], startsAt: NOW - 5000, endsAt: NOW - 1000 })).toEqual([
      "endsAt: must be in the future",
    ]);
    expect(problems({ matchers: [{ name: "kind", value: "at_risk" }], endsAt: NOW + 1000, extra: 1 })[0]).toMatch(/Unrecognized key/);
  });
});

describe("silencedBy", () => {
  const base = { id: "a", startsAt: "2026-11-20T09:00:00+08:00", endsAt: "2026-11-20T11:00:00+08:00" };

  it("needs every matcher to match, and the silence to be active", () => {
    const s = {
      ...base,
      matchers: [
        { name: "shop" as const, value: "s1" },
        { name: "severity" as const, value: "warning" },
      ],
    };
    expect(silencedBy([s], labels, NOW)?.id).toBe("a");
    expect(silencedBy([s], { ...labels, severity: "critical" }, NOW)).toBeUndefined();
    expect(silencedBy([s], labels, Date.parse(base.endsAt))).toBeUndefined();
    expect(silencedBy([s], labels, Date.parse(base.startsAt) - 1)).toBeUndefined();
  });

  it("matches shop by id or platform:id, and regexes anchored", () => {
    const byKey = { ...base, matchers: [{ name: "shop" as const, value: "kuaishou:s1" }] };
    expect(silencedBy([byKey], labels, NOW)).toBeDefined();
    expect(silencedBy([byKey], { ...labels, platform: "douyin" }, NOW)).toBeUndefined();
    const re = { ...base, matchers: [{ name: "metric" as const, value: "human_.*", isRegex: true }] };
    expect(silencedBy([re], labels, NOW)).toBeDefined();
    const partial = { ...base, matchers: [{ name: "metric" as const, value: "reply", isRegex: true }] };
    expect(silencedBy([partial], labels, NOW)).toBeUndefined();
  });
});
