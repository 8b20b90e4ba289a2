import { z } from "zod";

/**
 * Event time: ISO-8601 with an explicit offset (`2026-11-20T08:00:05+08:00`, `...Z`) or epoch milliseconds.
 * @see ../../../../shared/spec/events.md "Envelope"; a string without an offset is refused because its zone is ambiguous.
 */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Real UTC offsets run from -12:00 to +14:00; anything beyond ±14:00 is not a zone anywhere. */
const MAX_OFFSET_HOURS = 14;

/**
 * Why an ISO string that has the right shape is still not a real time, or null. `Date.parse` rolls
 * 2026-02-30 over to March 2 and accepts 24:00, so each component is checked against the calendar
 * ("not a real time" is an error at every edge).
 */
export function unrealTimeReason(iso: string): string | null {
  return Number.isNaN(scanIsoMillis(iso)) ? isoTimeProblem(iso) : null;
}

/** Two ASCII digits at `i` as a number, or -1 (also past the end: charCodeAt is NaN there). */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The event-time rule's fast path: the epoch milliseconds of a string that `isoTimeProblem` passes (same
 * grammar as ISO_WITH_OFFSET, same calendar and offset limits), equal to `Date.parse` of it, scanned without
 * a regex or allocations; NaN means "not sure", and the caller asks `isoTimeProblem` (which names the problem)
 * or `Date.parse`. Years before 0100 are left to them (`Date.UTC` reads years 0-99 as 1900-1999).
 */
function scanIsoMillis(s: string): number {
  const n = s.length;
  if (n < 17) return NaN;
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  if (century < 1 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  // "-", "-", "T", ":"
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58) return NaN;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return NaN;
  let second = 0;
  let millis = 0;
  let i = 16;
  if (s.charCodeAt(i) === 58) {
    second = twoDigits(s, 17);
    if (second < 0 || second > 59) return NaN;
    i = 19;
    if (s.charCodeAt(i) === 46) {
      // 1 to 9 digits; like Date.parse, only the first three count (truncated, not rounded).
      let j = i + 1;
      for (; j < n && j - i <= 9; j++) {
        const d = s.charCodeAt(j) - 48;
        if (d < 0 || d > 9) break;
        if (j - i <= 3) millis += d * (j - i === 1 ? 100 : j - i === 2 ? 10 : 1);
      }
      if (j === i + 1) return NaN;
      i = j;
    }
  }
  let offsetMin = 0;
  const zone = s.charCodeAt(i);
  if (zone === 90) {
    if (i + 1 !== n) return NaN;
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== 58) return NaN;
    const offH = twoDigits(s, i + 1);
    const offM = twoDigits(s, i + 4);
    if (offH < 0 || offH > MAX_OFFSET_HOURS || offM < 0 || offM > 59 || (offH === MAX_OFFSET_HOURS && offM > 0)) return NaN;
    offsetMin = (zone === 43 ? 1 : -1) * (offH * 60 + offM);
  } else return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60_000;
}

/** The rule as written: the problem of an ISO string, or null. */
function isoTimeProblem(iso: string): string | null {
  const m = ISO_WITH_OFFSET.exec(iso);
  if (m === null) return "must be ISO-8601 with an offset, e.g. 2026-11-20T08:00:05+08:00";
  const [year, month, day, hour, minute, second, offH, offM] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (month! < 1 || month! > 12) return `is not a real time: month ${m[2]}`;
  // Day 0 of the next month is the last day of this one (UTC, so no zone can shift it).
  const daysInMonth = new Date(Date.UTC(year!, month, 0)).getUTCDate();
  if (day! < 1 || day! > daysInMonth) return `is not a real time: ${m[1]}-${m[2]} has no day ${m[3]}`;
  if (hour! > 23) return `is not a real time: hour ${m[4]}`;
  if (minute! > 59) return `is not a real time: minute ${m[5]}`;
  if (second! > 59) return `is not a real time: second ${m[6]}`;
  if (offH! > MAX_OFFSET_HOURS || offM! > 59 || (offH === MAX_OFFSET_HOURS && offM! > 0))
    return "is not a real time: the UTC offset is beyond ±14:00";
  if (Number.isNaN(Date.parse(iso))) return "is not a valid date";
  return null;
}

export const EventTime = z.union([
  z
    .number({ error: "must be ISO-8601 with offset or epoch milliseconds" })
    .int("epoch milliseconds must be an integer")
    .nonnegative()
    .max(8_640_000_000_000_000),
  z.string({ error: "must be ISO-8601 with offset or epoch milliseconds" }).superRefine((s, ctx) => {
    const reason = unrealTimeReason(s);
    if (reason !== null) ctx.addIssue({ code: "custom", message: reason });
  }),
]);

/** Events more than this far ahead of the receiver's clock are refused (architecture.md "retention by entity"). */
export const MAX_FUTURE_MS = 5 * 60_000;

/**
 * Events older than this can change no window and no kept entity (architecture.md "retention by entity": an
 * open entity is kept at most 90 days after its first event): the processor's intake dead-letters them, so
 * the gateway refuses them with the same rule.
 */
export const MAX_EVENT_AGE_MS = 90 * 86_400_000;

/**
 * An event more than 5 minutes in the future is an error. Returns the reason, or null when the time is
 * acceptable. `eventTimeRefusal` applies it with the retention rule.
 */
export function futureTimeReason(atMs: number, nowMs: number): string | null {
  return atMs > nowMs + MAX_FUTURE_MS ? "more than 5 minutes in the future" : null;
}

/** Why an event's `at` cannot count, typed: `expired` (older than the retention) or `future`. */
export interface EventTimeRefusal {
  kind: "expired" | "future";
  reason: string;
}

/**
 * The time rules that need a clock, in one place for the gateway (400 naming `at`) and the processor's intake
 * (dead letter): older than `MAX_EVENT_AGE_MS`, or more than 5 minutes ahead. Backfills within the retention
 * are accepted (merchants catch up on history). Returns null when the time is acceptable.
 */
export function eventTimeRefusal(atMs: number, nowMs: number): EventTimeRefusal | null {
  if (atMs < nowMs - MAX_EVENT_AGE_MS) {
    return { kind: "expired", reason: "older than the retention (90 days), so no window can count it" };
  }
  const future = futureTimeReason(atMs, nowMs);
  return future === null ? null : { kind: "future", reason: future };
}

/** Epoch milliseconds of a validated event time. */
export function toMillis(t: number | string): number {
  if (typeof t === "number") return t;
  const ms = scanIsoMillis(t);
  return Number.isNaN(ms) ? Date.parse(t) : ms;
}

/** Asia/Shanghai has been UTC+08:00 without daylight saving since 1991. */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Formats epoch ms as ISO-8601 in Asia/Shanghai, `2026-11-20T08:00:05+08:00` (milliseconds only when non-zero). */
export function toShanghaiIso(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const iso = d.toISOString(); // 2026-11-20T00:00:05.000Z, shifted
  const frac = iso.slice(19, 23) === ".000" ? "" : iso.slice(19, 23);
  return `${iso.slice(0, 19)}${frac}+08:00`;
}
