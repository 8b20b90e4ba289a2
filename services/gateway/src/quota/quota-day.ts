import { SHANGHAI_OFFSET_MS } from "@sg/events";

const DAY_MS = 86_400_000;

/** `2026-11-20`: the Asia/Shanghai day of `ms`, which daily quotas count in (the merchants' day). */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Seconds until the next Asia/Shanghai midnight, when a day's quota starts afresh (at least 1). */
export function secondsToNextShanghaiDay(ms: number): number {
  const local = ms + SHANGHAI_OFFSET_MS;
  return Math.max(1, Math.ceil((DAY_MS - (((local % DAY_MS) + DAY_MS) % DAY_MS)) / 1000));
}
