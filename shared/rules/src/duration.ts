import { parseDuration } from "@sg/config";

/**
 * `"1h30m"` → 5_400_000, in the configuration's one duration grammar (`parseDuration` of @sg/config), so a
 * pack and a shop override can never read the same text differently. The pack schema has validated it.
 */
export function durationMs(s: string): number {
  return parseDuration(s);
}

/** `"08:00"` → minutes after midnight. */
export function hhmmMinutes(s: string): number {
  const [h, m] = s.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
