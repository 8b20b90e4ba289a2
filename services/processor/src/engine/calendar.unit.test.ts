import { describe, expect, it } from "vitest";
import { addBusinessTime, businessTime, dailyHours, dayStart, inHours, MINUTE, windowRange } from "./calendar.js";

const t = (s: string) => Date.parse(s);
const jd = dailyHours(["09:00", "21:00"]);

describe("Asia/Shanghai calendar (metrics.md 'Windows and calendars')", () => {
  it("puts 23:30 +08:00 on its Shanghai day although it is 15:30Z", () => {
    expect(dayStart(t("2026-03-01T23:30:00+08:00"))).toBe(t("2026-03-01T00:00:00+08:00"));
    expect(dayStart(t("2026-03-02T00:00:00+08:00"))).toBe(t("2026-03-02T00:00:00+08:00"));
  });
  it("30d is the day of asOf and the 29 before; month is the calendar month", () => {
    const r = windowRange("30d", t("2026-03-30T12:00:00+08:00"));
    expect(r.start).toBe(t("2026-03-01T00:00:00+08:00"));
    expect(r.end).toBe(t("2026-03-31T00:00:00+08:00"));
    const m = windowRange("month", t("2026-02-28T23:59:59+08:00"));
    expect(m).toEqual({ start: t("2026-02-01T00:00:00+08:00"), end: t("2026-03-01T00:00:00+08:00") });
  });
  it("service hours are half-open [from, to)", () => {
    const h = dailyHours(["08:00", "23:00"]);
    expect(inHours(t("2026-03-01T07:59:59+08:00"), h)).toBe(false);
    expect(inHours(t("2026-03-01T08:00:00+08:00"), h)).toBe(true);
    expect(inHours(t("2026-03-01T22:59:59+08:00"), h)).toBe(true);
    expect(inHours(t("2026-03-01T23:00:00+08:00"), h)).toBe(false);
  });
  it("business time runs only 09:00–21:00, across nights and month ends", () => {
    expect(businessTime(t("2026-03-01T20:50:00+08:00"), t("2026-03-02T09:10:00+08:00"), jd)).toBe(20 * MINUTE);
    expect(businessTime(t("2026-02-28T20:55:00+08:00"), t("2026-03-01T09:16:00+08:00"), jd)).toBe(21 * MINUTE);
    expect(businessTime(t("2026-03-01T22:00:00+08:00"), t("2026-03-02T08:00:00+08:00"), jd)).toBe(0);
    expect(businessTime(t("2026-03-01T08:00:00+08:00"), t("2026-03-01T22:00:00+08:00"), jd)).toBe(12 * 60 * MINUTE);
  });
  it("a business deadline skips the night", () => {
    expect(addBusinessTime(t("2026-03-01T20:50:00+08:00"), 20 * MINUTE, jd)).toBe(t("2026-03-02T09:10:00+08:00"));
    expect(addBusinessTime(t("2026-03-31T22:00:00+08:00"), 20 * MINUTE, jd)).toBe(t("2026-04-01T09:20:00+08:00"));
    expect(addBusinessTime(t("2026-03-01T10:00:00+08:00"), 20 * MINUTE, jd)).toBe(t("2026-03-01T10:20:00+08:00"));
  });
});
