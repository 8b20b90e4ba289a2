import { describe, expect, it } from "vitest";
import { inhibitedBy } from "./inhibition.js";
import { quietUntil } from "./quiet-hours.js";
import { record } from "../../testing/fixtures.js";

describe("inhibitedBy", () => {
  const critical = record({ kind: "threshold", severity: "critical" });
  const atRisk = record({ kind: "at_risk", severity: "warning", seq: 3 });

  it("mutes a warning of the same shop and metric while a critical threshold alert fires", () => {
    expect(inhibitedBy(atRisk, [critical, atRisk])).toBe(critical);
  });

  it("does not mute critical alerts, other metrics, other shops, or after the critical resolved", () => {
    expect(inhibitedBy(critical, [critical])).toBeUndefined();
    expect(inhibitedBy(record({ kind: "at_risk", severity: "warning", metric: "pickup_24h_rate" }), [critical])).toBeUndefined();
    expect(inhibitedBy(record({ kind: "at_risk", severity: "warning", shopId: "s2" }), [critical])).toBeUndefined();
    expect(inhibitedBy(atRisk, [{ ...critical, status: "resolved" }])).toBeUndefined();
    expect(inhibitedBy(atRisk, [record({ kind: "threshold", severity: "warning" })])).toBeUndefined();
  });
});

describe("quietUntil", () => {
  const at = (hhmm: string, day = "20") => Date.parse(`2026-11-${day}T${hhmm}:00+08:00`);

  it("is null outside quiet hours and without them", () => {
    expect(quietUntil(undefined, at("23:00"))).toBeNull();
    expect(quietUntil({ start: "22:00", end: "08:00" }, at("12:00"))).toBeNull();
    expect(quietUntil({ start: "22:00", end: "08:00" }, at("08:00"))).toBeNull();
    expect(quietUntil({ start: "12:00", end: "13:30" }, at("13:30"))).toBeNull();
  });

  it("returns the end of the quiet hours, across midnight (Asia/Shanghai)", () => {
    expect(quietUntil({ start: "22:00", end: "08:00" }, at("22:00"))).toBe(at("08:00", "21"));
    expect(quietUntil({ start: "22:00", end: "08:00" }, at("23:59"))).toBe(at("08:00", "21"));
    expect(quietUntil({ start: "22:00", end: "08:00" }, at("03:00"))).toBe(at("08:00"));
    expect(quietUntil({ start: "12:00", end: "13:30" }, at("12:10"))).toBe(at("13:30"));
  });
});
