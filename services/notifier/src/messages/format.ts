import { toShanghaiIso } from "@sg/events";
import type { AlertRecord } from "@sg/events";
import { renderTemplate } from "./render.js";
import type { TemplateStrings } from "./templates.js";

/** Up to `digits` decimals, trailing zeros dropped: 0.7 → "70", 0.6834 → "68.34", 0.0035 → "0.35". */
function trimmed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** A metric value in its unit; ratios as percentages (metrics.md "Output fields"). */
export function formatValue(v: number | null | undefined, unit: AlertRecord["unit"], strings: TemplateStrings): string | undefined {
  if (v === null || v === undefined || !Number.isFinite(v)) return undefined;
  const num = unit === "ratio" ? trimmed(v * 100, 2) : unit === "count" ? trimmed(v, 0) : unit === "stars" ? trimmed(v, 2) : trimmed(v, 1);
  return renderTemplate(strings.units[unit], { v: num });
}

/** A line value with its direction: "≥ 70%" for a `min` metric, "≤ 24 小时" for a `max` one. */
export function formatLine(v: number | null | undefined, r: AlertRecord, strings: TemplateStrings): string | undefined {
  const f = formatValue(v, r.unit, strings);
  return f === undefined ? undefined : renderTemplate(strings.direction[r.direction], { v: f });
}

/** "2026-11-20 14:02:10" in Asia/Shanghai. */
export function formatTime(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return toShanghaiIso(ms).slice(0, 19).replace("T", " ");
}

/** A deadline relative to a reference time: "14:02:10" on the same day, else "11-21 14:02:10". */
export function formatDeadline(iso: string | undefined, refIso: string): string | undefined {
  const full = formatTime(iso);
  const ref = formatTime(refIso);
  if (full === undefined || ref === undefined) return full;
  return full.slice(0, 10) === ref.slice(0, 10) ? full.slice(11) : full.slice(5);
}
