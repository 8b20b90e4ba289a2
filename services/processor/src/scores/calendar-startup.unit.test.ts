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
});
