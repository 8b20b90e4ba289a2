import { z } from "zod";

/**
 * Durations as written in the configuration: `500ms`, `30s`, `5m`, `4h`, `1d`, and compounds such as `1h30m`
 * (alerts.md "Configuration"). Units go largest first, each at most once, integers only, as in Prometheus
 * and Alertmanager, whose `group_wait` / `repeat_interval` these settings copy. `0` alone means zero.
 */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1_000, 1] as const;

export const DURATION_HINT = "use a whole number and a unit (ms, s, m, h, d), largest first, e.g. 500ms, 30s, 5m, 4h, 1h30m";

export class DurationError extends Error {
  override readonly name = "DurationError";
  constructor(readonly input: string) {
    super(`invalid duration ${JSON.stringify(input)}: ${DURATION_HINT}`);
  }
}

/** `"1h30m"` → 5_400_000. Throws `DurationError` on anything else (`"30"`, `"1.5h"`, `"30 s"`, `"5m1h"`, `""`). */
export function parseDuration(input: string): number {
  if (input === "0") return 0;
  const m = DURATION.exec(input);
  if (m === null || m.slice(1).every((g) => g === undefined)) throw new DurationError(input);
  let ms = 0;
  UNIT_MS.forEach((unit, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * unit;
  });
  if (!Number.isSafeInteger(ms)) throw new DurationError(input);
  return ms;
}

/**
 * A duration field: a string in the config, milliseconds after parsing. With `defaultValue`, an absent field
 * takes it (parsed the same way); with `positive`, zero is refused (an interval of 0 would spin).
 */
export function durationField(opts: { positive?: boolean } = {}) {
  return z.string({ error: `must be a duration string; ${DURATION_HINT}` }).transform((s, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(s);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message });
      return z.NEVER;
    }
    if (opts.positive && ms === 0) {
      ctx.addIssue({ code: "custom", message: "must be greater than 0" });
      return z.NEVER;
    }
    return ms;
  });
}
