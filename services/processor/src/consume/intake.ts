import { eventTimeRefusal, formatProblems, parseEvent, toMillis, type CanonicalEvent } from "@sg/events";
import type { DeadLetterKind } from "./dead-letters.js";

/** A record's fate: an event to apply, or a dead letter with its typed kind and a reason naming the field. */
export type Intake = { ok: true; event: CanonicalEvent; atMs: number } | { ok: false; kind: DeadLetterKind; reason: string };

/**
 * Decides what one record of `sg.events` is: a valid canonical event that can still count, or a dead letter with
 * a reason that names the field. Never throws.
 */
export function intake(value: Buffer | null, nowMs: number): Intake {
  if (value === null || value.length === 0) return { ok: false, kind: "empty", reason: "empty record" };
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { ok: false, kind: "malformed_json", reason: `malformed JSON: ${(err as Error).message}` };
  }
  const r = parseEvent(json);
  if (!r.ok) return { ok: false, kind: "invalid_event", reason: `invalid event: ${formatProblems(r.problems)}` };
  const atMs = toMillis(r.event.at);
  // Retention is by entity (architecture.md): an event of any age is applied while its entity can still be
  // kept (at most 90 days after its first event); an older one can change no window. The gateway refuses
  // both with the same rule (@sg/events).
  const refusal = eventTimeRefusal(atMs, nowMs);
  if (refusal !== null)
    return refusal.kind === "expired"
      ? { ok: false, kind: "too_old", reason: `expired: at is ${refusal.reason}` }
      : { ok: false, kind: "future", reason: `at: ${refusal.reason}` };
  return { ok: true, event: r.event, atMs };
}
