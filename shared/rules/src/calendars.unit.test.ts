import { fileURLToPath } from "node:url";
import { loadScoreguardConfig, parseScoreguardConfig } from "@sg/config";
import { describe, expect, it } from "vitest";
import { calendarIssues } from "./calendars.js";

/** The calendars against the rule packs: unknown metrics, nothing to extend, lines looser than a pack's. */
const entry = (o: Record<string, unknown>) => ({ name: "n", from: "2027-02-01", to: "2027-02-07", ...o });
const issuesOf = (calendars: unknown) =>
  calendarIssues(parseScoreguardConfig({ calendars }).calendars).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("calendar checks against the packs", () => {
  it("passes the example calendar", () => {
    const example = loadScoreguardConfig(fileURLToPath(new URL("../../../infra/scoreguard.calendar-example.yaml", import.meta.url)));
    expect(example.calendars).toBeDefined();
    expect(calendarIssues(example.calendars)).toEqual([]);
  });

  it("passes the example's kind of entries", () => {
    expect(
      issuesOf({
        platforms: {
          jd: [entry({ rule: "extend_deadline", metrics: ["service_review_20min_rate"], deadline: "5d" })],
          kuaishou: [entry({ rule: "suspend", metrics: ["human_reply_3min_rate"] })],
        },
        shops: {
          "douyin:s1": [entry({ rule: "stricter", lines: { pickup_24h_rate: { threshold: 0.95 }, avg_response_seconds: { target: 30 } } })],
        },
      }),
    ).toEqual([]);
  });

  it("names a metric the platform's packs do not have", () => {
    expect(
      issuesOf({ platforms: { douyin: [entry({ rule: "suspend", metrics: ["pickup_24h_rate", "human_reply_3min_rate"] })] } }),
    ).toEqual([
      expect.stringMatching(
        /^calendars\.platforms\.douyin\.0\.metrics\.1: unknown metric "human_reply_3min_rate" for douyin \(its packs: douyin@2023-06/,
      ),
    ]);
    expect(issuesOf({ shops: { "pdd:s": [entry({ rule: "stricter", lines: { pickup_24h_rate: { target: 1 } } })] } })).toEqual([
      expect.stringMatching(/^calendars\.shops\.pdd:s\.0\.lines\.pickup_24h_rate: unknown metric/),
    ]);
  });

  it("refuses a deadline extension for a metric without a deadline", () => {
    expect(issuesOf({ platforms: { douyin: [entry({ rule: "extend_deadline", metrics: ["bad_review_rate"], deadline: "2d" })] } })).toEqual(
      ['calendars.platforms.douyin.0.metrics.0: "bad_review_rate" has no deadline to extend in any douyin pack'],
    );
  });

  it("refuses promotion lines looser than the pack's, by direction", () => {
    expect(
      issuesOf({
        shops: {
          "douyin:s1": [
            entry({
              rule: "stricter",
              lines: { pickup_24h_rate: { threshold: 0.85, target: 0.99 }, avg_response_seconds: { target: 90 } },
            }),
          ],
        },
      }),
    ).toEqual([
      "calendars.shops.douyin:s1.0.lines.pickup_24h_rate.threshold: 0.85 is looser than douyin@2023-06's threshold 0.9 (direction min); a promotion's lines may only be stricter",
      "calendars.shops.douyin:s1.0.lines.avg_response_seconds.target: 90 is looser than douyin@2023-06's target 60 (direction max); a promotion's lines may only be stricter",
    ]);
  });
});
