import { parseDuration } from "@sg/config";

/**
 * `"1h30m"` → 5_400_000, in the configuration's one duration grammar (`parseDuration` of @sg/config), so a
 * pack and a shop override can never read the same text differently. The pack schema has validated it.
 */
export function durationMs(s: string): number {
  // The engine asks for the same few pack durations for every entity it recomputes: parsed once each.
  let ms = durations.get(s);
  if (ms === undefined) {
    ms = parseDuration(s);
    if (durations.size < 1000) durations.set(s, ms);
  }
  return ms;
}
const durations = new Map<string, number>();

/** `"08:00"` → minutes after midnight. */
export function hhmmMinutes(s: string): number {
  let m = minutes.get(s);
  if (m === undefined) {
    const [hh, mm] = s.split(":").map(Number);
    m = (hh ?? 0) * 60 + (mm ?? 0);
    if (minutes.size < 1000) minutes.set(s, m);
  }
  return m;
}
const minutes = new Map<string, number>();
