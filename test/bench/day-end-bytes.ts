/**
 * The daily history's cost in Redis (docs/day-end-history.md, issue 18 "Performance": at most 2 KB per
 * shop-day): the busy shop's snapshot taken as DAY_END_RETENTION_DAYS successive days by the processor's own
 * writer (DailyHistory.takeDue: toDayEnd, writeDayEnd.lua, its 90-day trim), then MEMORY USAGE of the shop's
 * history hash divided by the days it holds. The record's size depends on the pack's metrics and the numbers'
 * lengths, not on the day, so the same snapshot each day is representative of the busy shop.
 */
import { DAY_END_RETENTION_DAYS, dayCutoffMs, dayEndKeys, shanghaiDayOf, type Platform, type ShopSnapshot } from "@sg/events";
import { DailyHistory } from "../../services/processor/src/publish/day-end/daily-history.js";
import type { Ctx, Row } from "./engine-v2.js";

const DAY = 86_400_000;

export async function dayEndRows(
  c: Ctx,
  keyPrefix: string,
  shop: { platform: Platform; shopId: string },
  snapshot: ShopSnapshot,
  asOf: number,
  rows: Row[],
  notes: string[],
): Promise<void> {
  const history = new DailyHistory(c.redis, keyPrefix);
  const last = shanghaiDayOf(asOf - DAY);
  // One takeDue a day, 3 h after each cut-off (past the settle delay): each takes its yesterday, settled.
  const days = DAY_END_RETENTION_DAYS + 5;
  for (let k = days - 1; k >= 0; k--) {
    const day = shanghaiDayOf(dayCutoffMs(last) - 1 - k * DAY);
    await history.takeDue(shop, dayCutoffMs(day) + 3 * 3_600_000, async () => snapshot);
  }
  const key = dayEndKeys(keyPrefix).history(shop);
  const held = await c.redis.hlen(key);
  const bytes = Number(await c.redis.memory("USAGE", key, "SAMPLES", "0"));
  const values = await c.redis.hvals(key);
  const json = values.reduce((s, v) => s + Buffer.byteLength(v), 0) / Math.max(1, values.length);
  const perDay = bytes / Math.max(1, held);
  rows.push({
    row: `daily history: Redis bytes per shop-day (busy shop, pack ${snapshot.rulePack}, ${Object.keys(snapshot.metrics).length} metrics${snapshot.scores ? " and the score" : ""}; ${held} days held after ${days} takes)`,
    before: "-",
    after: `${perDay.toFixed(0)} B (MEMORY USAGE ${(bytes / 1024).toFixed(1)} KB ÷ ${held} days; the record's JSON ${json.toFixed(0)} B)`,
    goal: "≤ 2 KB",
    met: perDay <= 2048,
  });
  notes.push(
    `history: the busy shop's evaluated snapshot taken as ${days} successive days by DailyHistory.takeDue (the processor's writer: toDayEnd, writeDayEnd.lua, which keeps ${DAY_END_RETENTION_DAYS} days), then MEMORY USAGE … SAMPLES 0 of the shop's history hash ÷ the days it holds.`,
  );
}
