import type { DayEnd } from "@sg/events";
import { describe, expect, it } from "vitest";
import { boardHistory } from "./history-line.js";
import { historyLine, LINE_HEIGHT, LINE_WIDTH } from "./static/history-line.js";

const dayEnd = (day: string, v: number | null, total?: number): DayEnd => ({
  day,
  asOfMs: Date.parse(`${day}T23:59:59.999+08:00`),
  takenAtMs: Date.parse(`${day}T23:59:59.999+08:00`) + 7_200_000,
  take: "settled",
  rulePack: "douyin@2023-06",
  metrics: { pickup_24h_rate: { v, s: v === null ? "no_data" : "ok" } },
  ...(total === undefined ? {} : { score: { pack: "douyin@2023-06", status: "complete", total, dimensions: {}, points: {} } }),
});

describe("the board's history line", () => {
  it("aligns the kept days on the last 30 days up to yesterday; a day not kept is null, not zero", () => {
    const h = boardHistory([dayEnd("2026-12-05", 0.98, 91.5), dayEnd("2026-11-06", 0.9), dayEnd("2026-11-05", 0.5)], "2026-12-05")!;
    expect(h.from).toBe("2026-11-06");
    expect(h.to).toBe("2026-12-05");
    const line = h.metrics.pickup_24h_rate!;
    expect(line).toHaveLength(30);
    expect(line[0]).toBe(0.9); // 2026-11-06, the first day; 2026-11-05 is outside the line
    expect(line[29]).toBe(0.98);
    expect(line.slice(1, 29).every((v) => v === null)).toBe(true);
    expect(h.total![29]).toBe(91.5);
    expect(h.total![0]).toBeNull();
    expect(boardHistory([dayEnd("2026-10-01", 1)], "2026-12-05")).toBeNull();
  });

  it("scales values and the threshold on one axis, splits at missing days, and draws nothing under two days", () => {
    expect(historyLine([null, 0.5, null])).toBeNull();
    const l = historyLine([0.9, 1, null, 0.8, null, 0.95], { threshold: 0.85 })!;
    expect(l.width).toBe(LINE_WIDTH);
    expect(l.days).toBe(4);
    // Three runs: days 0–1, day 3 alone (a short dash), day 5 alone.
    expect(l.segments).toHaveLength(3);
    const ys = l.segments.flatMap((s) => s.split(" ").map((p) => Number(p.split(",")[1])));
    // The highest value (1) is at the top edge, the lowest (0.8) at the bottom; y grows downwards.
    expect(Math.min(...ys)).toBe(2);
    expect(Math.max(...ys)).toBe(LINE_HEIGHT - 2);
    // 0.85 is a quarter of the way up from 0.8 to 1.
    expect(l.thresholdY).toBeCloseTo(LINE_HEIGHT - 2 - 0.25 * (LINE_HEIGHT - 4), 1);
    const flat = historyLine([0.5, 0.5])!;
    expect(new Set(flat.segments[0]!.split(" ").map((p) => p.split(",")[1])).size).toBe(1);
  });

  it("draws the projected days after the history as their own polyline, joined to the last kept day", () => {
    const l = historyLine([0.9, 1], { threshold: 0.8 }, [0.95, 0.85, null, 0.9])!;
    expect(l.days).toBe(2);
    expect(l.projectedDays).toBe(3);
    const xs = (s: string) => s.split(" ").map((p) => Number(p.split(",")[0]));
    // Six days on one axis: the history on days 0–1; the projection from day 1 (joined) to day 3, a gap, day 5 alone.
    expect(xs(l.segments[0]!)).toEqual([xAt(0, 6), xAt(1, 6)]);
    expect(l.projected).toHaveLength(2);
    expect(xs(l.projected[0]!)).toEqual([xAt(1, 6), xAt(2, 6), xAt(3, 6)]);
    expect(xs(l.projected[1]!)).toEqual([xAt(5, 6) - 1, xAt(5, 6) + 1]);
    // Only projected values: still a line (a new shop), nothing joined.
    const fresh = historyLine([], {}, [0.5, 0.6])!;
    expect(fresh.segments).toEqual([]);
    expect(fresh.projected).toHaveLength(1);
    expect(historyLine([0.5], {}, [])).toBeNull();
  });
});

/** The x of day i of n on the line (2 px padding each side), rounded as the line rounds. */
function xAt(i: number, n: number): number {
  return Math.round((2 + (i * (LINE_WIDTH - 4)) / (n - 1)) * 10) / 10;
}
