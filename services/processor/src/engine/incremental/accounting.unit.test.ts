import { loadRulePacks, parseRulePack } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { buildAccounting } from "./accounting.js";

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

  it("refuses a selectable pack with a window longer than engine v2 keeps, naming it", () => {
    const mine = new Map(packs);
    const json = structuredClone(packs.get("douyin@2026-05")!) as unknown as {
      id: string;
      effective: string;
      metrics: Record<string, { window: string }>;
    };
    json.id = "douyin@2099-01";
    json.effective = "2099-01-01";
    json.metrics.product_rating!.window = "90d";
    mine.set(json.id, parseRulePack(json));
    expect(() => buildAccounting("douyin", mine)).toThrow(/rule pack douyin@2099-01: metrics\.product_rating has a 90d window/);
  });
});
