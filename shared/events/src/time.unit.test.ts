import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toMillis, unrealTimeReason } from "./time.js";

/**
 * The event-time rule as first written (regex, then the calendar, then Date.parse): unrealTimeReason scans
 * without a regex first, and must say exactly what this says for every string.
 */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
function reference(iso: string): string | null {
  const m = ISO_WITH_OFFSET.exec(iso);
  if (m === null) return "must be ISO-8601 with an offset, e.g. 2026-11-20T08:00:05+08:00";
  const [year, month, day, hour, minute, second, offH, offM] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (month! < 1 || month! > 12) return `is not a real time: month ${m[2]}`;
  const daysInMonth = new Date(Date.UTC(year!, month, 0)).getUTCDate();
  if (day! < 1 || day! > daysInMonth) return `is not a real time: ${m[1]}-${m[2]} has no day ${m[3]}`;
  if (hour! > 23) return `is not a real time: hour ${m[4]}`;
  if (minute! > 59) return `is not a real time: minute ${m[5]}`;
  if (second! > 59) return `is not a real time: second ${m[6]}`;
  if (offH! > 14 || offM! > 59 || (offH === 14 && offM! > 0)) return "is not a real time: the UTC offset is beyond ±14:00";
  if (Number.isNaN(Date.parse(iso))) return "is not a valid date";
  return null;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
/** Usually `good`, near its limits; 1 time in 20 something malformed. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 19 }, { arbitrary: bad, weight: 1 });
const part = (min: number, max: number) =>
  mostly(
    fc.integer({ min, max }).map((n) => pad(n, 2)),
    digits(1, 3),
  );
/** Near-ISO strings: each part usually well formed and near its limits, sometimes not. */
const isoLike = fc
  .tuple(
    mostly(
      fc.oneof(
        fc.integer({ min: 0, max: 9999 }).map((y) => pad(y, 4)),
        fc.constantFrom("0000", "0004", "0099", "0100", "1900", "2000", "2024", "2100", "9999"),
      ),
      digits(3, 5),
    ),
    part(0, 13),
    part(0, 32),
    part(0, 25),
    part(0, 61),
    fc.option(part(0, 61).map((x) => `:${x}`)),
    fc.option(mostly(digits(1, 9), digits(0, 11)).map((f) => `.${f}`)),
    mostly(
      fc.oneof(
        fc.constantFrom("Z", "+00:00", "-00:00", "+14:00", "-14:00", "+14:01", "-12:00"),
        fc
          .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 61 }))
          .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
      ),
      fc.constantFrom("z", "", "+0800", "+08", "+08:00:00", "+8:00"),
    ),
    mostly(fc.constant("-"), fc.constantFrom("/", "")),
    mostly(fc.constant("T"), fc.constantFrom("t", " ")),
  )
  .map(([y, mo, d, h, mi, s, f, z, dash, t]) => `${y}${dash}${mo}-${d}${t}${h}:${mi}${s ?? ""}${f ?? ""}${z}`);

/** The scan names the same problem as the rule, and a real time's milliseconds are Date.parse's. */
function agrees(s: string): void {
  const problem = reference(s);
  expect(unrealTimeReason(s)).toBe(problem);
  if (problem === null) expect(toMillis(s)).toBe(Date.parse(s));
}

describe("event time: the fast scan says what the rule says", () => {
  it("for near-ISO strings", () => {
    fc.assert(
      fc.property(isoLike, (s) => {
        agrees(s);
      }),
      { numRuns: 20_000 },
    );
  });

  it("for real times of any year and offset, and for arbitrary strings", () => {
    const real = fc
      .tuple(fc.integer({ min: -62_000_000_000_000, max: 253_402_300_799_999 }), fc.integer({ min: -12 * 60, max: 14 * 60 }))
      .map(([ms, off]) => {
        const iso = new Date(ms + off * 60_000).toISOString();
        const sign = off < 0 ? "-" : "+";
        return `${iso.slice(0, 23)}${sign}${pad(Math.floor(Math.abs(off) / 60), 2)}:${pad(Math.abs(off) % 60, 2)}`;
      })
      .filter((s) => !s.startsWith("-") && !s.startsWith("+"));
    fc.assert(
      fc.property(fc.oneof(real, fc.string(), fc.string({ unit: "binary" })), (s) => {
        agrees(s);
      }),
      { numRuns: 10_000 },
    );
  });
});
