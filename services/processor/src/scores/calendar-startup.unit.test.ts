import { ConfigError, parseScoreguardConfig } from "@sg/config";
import { describe, expect, it } from "vitest";
import { checkCalendarConfig } from "./startup.js";

/** The processor refuses to start on a calendar the packs contradict, naming the path. */
describe("checkCalendarConfig", () => {
  it("starts with no calendar or a valid one, and refuses an unknown metric naming its path", () => {
    expect(() => checkCalendarConfig(parseScoreguardConfig({}))).not.toThrow();
    const ok = { name: "n", from: "2027-02-01", to: "2027-02-07", rule: "suspend", metrics: ["human_reply_3min_rate"] };
    expect(() => checkCalendarConfig(parseScoreguardConfig({ calendars: { platforms: { kuaishou: [ok] } } }))).not.toThrow();
    const bad = parseScoreguardConfig({ calendars: { platforms: { kuaishou: [{ ...ok, metrics: ["pickup_24h_rate"] }] } } });
    expect(() => checkCalendarConfig(bad)).toThrow(ConfigError);
    expect(() => checkCalendarConfig(bad)).toThrow(
      /calendars\.platforms\.kuaishou\[0\]\.metrics\[0\]: unknown metric "pickup_24h_rate" for kuaishou/,
    );
  });

  it("refuses an entry that ends before it starts when the configuration is read, naming the path (issue 18, bad input)", () => {
    const entry = {
      name: "n",
      from: "2027-02-07",
      to: "2027-02-01",
      rule: "extend_deadline",
      deadline: "5d",
      metrics: ["pickup_24h_rate"],
    };
    expect(() => parseScoreguardConfig({ calendars: { platforms: { douyin: [entry] } } })).toThrow(ConfigError);
    expect(() => parseScoreguardConfig({ calendars: { shops: { "douyin:s1": [entry] } } })).toThrow(
      /calendars\.shops(\.douyin:s1|\["douyin:s1"\])\[0\]\.to: ends \(2027-02-01\) before it starts \(2027-02-07\)/,
    );
  });

  it("refuses regions on a metric whose items carry none, and an extension of a kind no engine extends", () => {
    const base = { name: "n", from: "2027-02-01", to: "2027-02-07" };
    const regions = parseScoreguardConfig({
      calendars: { platforms: { jd: [{ ...base, rule: "exclude_regions", regions: ["420000"], metrics: ["first_response_30s_rate"] }] } },
    });
    expect(() => checkCalendarConfig(regions)).toThrow(
      /calendars\.platforms\.jd\[0\]\.metrics\[0\]: "first_response_30s_rate" \(first_response_sessions\) is not an order timeliness metric/,
    );
    const pickup = parseScoreguardConfig({
      calendars: { platforms: { douyin: [{ ...base, rule: "exclude_regions", regions: ["420000"], metrics: ["pickup_24h_rate"] }] } },
    });
    expect(() => checkCalendarConfig(pickup)).not.toThrow();
  });
});
