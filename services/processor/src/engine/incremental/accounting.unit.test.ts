import { loadRulePacks } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { MONTH_RETENTION } from "../../retention.js";
import { packsWithNinetyDayWindow } from "../../testing/ninety-day-pack.js";
import { buildAccounting } from "./accounting.js";

const DAY = 86_400_000;

describe("engine v2's accounting of a platform's selectable packs", () => {
  const packs = loadRulePacks();

  it("keeps the contract-v1 pack's positions and gives each distinct 2026 measurement one slot", () => {
    const acc = buildAccounting("douyin", packs);
    const seed = packs.get("douyin@2023-06")!;
    expect([...acc.slotsOf(seed).values()]).toEqual(Object.keys(seed.metrics).map((_, i) => i));
    const may = acc.slotsOf(packs.get("douyin@2026-05")!);
    const sept = acc.slotsOf(packs.get("douyin@2026-09")!);
    // The three Douyin packs of 2026 measure the same ten metrics: the same slots, after the seed's twelve.
    expect([...may.values()]).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect([...sept.entries()]).toEqual([...may.entries()]);
    expect(Object.keys(acc.pack.metrics)).toHaveLength(22);
    // feige_avg_response reads reply rounds over 30 days: consumers keep 30 days of chat facts.
    expect(acc.chatKeepDays).toBe(30);
    expect(buildAccounting("kuaishou", packs).chatKeepDays).toBe(1);
  });

  it("keeps a platform's records 92 days when one of its selectable packs has a 90-day window, and no other platform's", () => {
    const mine = packsWithNinetyDayWindow();
    const douyin = buildAccounting("douyin", mine).retention;
    expect(douyin.keepDays).toBe(92);
    expect(douyin.closedKeepMs).toBe(92 * DAY);
    expect(douyin.stateTtlSeconds).toBe(92 * 86_400);
    expect(douyin.dayTtlSeconds).toBe(2 * 92 * 86_400);
    // The shipped packs: JD's jd@2024 reads 售后评价得分 over 90 days, so JD keeps 92; the others a month at most.
    for (const p of ["douyin", "kuaishou", "pdd"] as const) expect(buildAccounting(p, packs).retention).toEqual(MONTH_RETENTION);
    expect(buildAccounting("jd", packs).retention.keepDays).toBe(92);
    // jd@2024's chat metrics are day windows: its consumers keep a day of chat facts (ratings: the retention).
    expect(buildAccounting("jd", packs).chatKeepDays).toBe(1);
    expect(MONTH_RETENTION.keepDays).toBe(32);
    expect(buildAccounting("kuaishou", mine).retention.keepDays).toBe(32);
  });
});
