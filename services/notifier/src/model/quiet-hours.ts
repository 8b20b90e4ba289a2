import { SHANGHAI_OFFSET_MS } from "@sg/events";
import type { QuietHours } from "@sg/config";

const DAY_MS = 86_400_000;

function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether `now` falls in the quiet hours `[start, end)` (Asia/Shanghai; `start` after `end` spans
 * midnight), and if so when they end. Warnings are held until then (alerts.md "Quiet hours").
 */
export function quietUntil(q: QuietHours | undefined, now: number): number | null {
  if (q === undefined) return null;
  const local = now + SHANGHAI_OFFSET_MS;
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  const minute = Math.floor((local - dayStart) / 60_000);
  const start = minuteOfDay(q.start);
  const end = minuteOfDay(q.end);
  const inQuiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inQuiet) return null;
  // The end is today unless the window spans midnight and we are before midnight.
  const endLocal = dayStart + end * 60_000 + (start > end && minute >= start ? DAY_MS : 0);
  return endLocal - SHANGHAI_OFFSET_MS;
}
