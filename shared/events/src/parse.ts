import type { z } from "zod";
import { CanonicalEvent } from "./catalog.js";

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `afterShipment` or `at`; empty for the whole value. */
  field: string;
  reason: string;
}

export type ParseResult =
  | { ok: true; event: CanonicalEvent }
  | { ok: false; problems: FieldProblem[] };

export function describeIssues(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => {
    if (i.code === "invalid_union_discriminator") {
      return { field: i.path.join("."), reason: `unknown event type; expected one of ${i.options.join(", ")}` };
    }
    return { field: i.path.join("."), reason: i.message };
  });
}

/** Validates one canonical event. Never throws; a failure names each bad field. */
export function parseEvent(input: unknown): ParseResult {
  const r = CanonicalEvent.safeParse(input);
  return r.success ? { ok: true, event: r.data } : { ok: false, problems: describeIssues(r.error) };
}

/** One line of problems, `field: reason; field: reason`. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join("; ");
}
