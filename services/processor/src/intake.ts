import { formatProblems, futureTimeReason, parseEvent, toMillis, type CanonicalEvent } from "@sg/events";
import { RETENTION_MS } from "./state/shop-store.js";

export type Intake =
  | { ok: true; event: CanonicalEvent; atMs: number; json: string }
  | { ok: false; reason: string };

/**
 * Decides what one record of `sg.events` is: a valid canonical event within retention, or a dead letter with
 * a reason that names the field. Never throws.
 */
export function intake(value: Buffer | null, nowMs: number): Intake {
  if (value === null || value.length === 0) return { ok: false, reason: "empty record" };
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { ok: false, reason: `malformed JSON: ${(err as Error).message}` };
  }
  const r = parseEvent(json);
  if (!r.ok) return { ok: false, reason: `invalid event: ${formatProblems(r.problems)}` };
  const atMs = toMillis(r.event.at);
  if (atMs < nowMs - RETENTION_MS) return { ok: false, reason: "at: older than the 31-day retention" };
  const future = futureTimeReason(atMs, nowMs);
  if (future !== null) return { ok: false, reason: `at: ${future}` };
  return { ok: true, event: r.event, atMs, json: JSON.stringify(r.event) };
}
