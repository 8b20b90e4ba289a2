import { z } from "zod";

/**
 * Event time: ISO-8601 with an explicit offset (`2026-11-20T08:00:05+08:00`, `...Z`) or epoch milliseconds.
 * @see ../../../../shared/spec/events.md "Envelope"; a string without an offset is refused because its zone is ambiguous.
 */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const EventTime = z.union([
  z
    .number({ invalid_type_error: "must be ISO-8601 with offset or epoch milliseconds" })
    .int("epoch milliseconds must be an integer")
    .nonnegative()
    .max(8_640_000_000_000_000),
  z
    .string()
    .regex(ISO_WITH_OFFSET, "must be ISO-8601 with an offset, e.g. 2026-11-20T08:00:05+08:00")
    .refine((s) => !Number.isNaN(Date.parse(s)), "is not a valid date"),
]);

/** Epoch milliseconds of a validated event time. */
export function toMillis(t: number | string): number {
  return typeof t === "number" ? t : Date.parse(t);
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
