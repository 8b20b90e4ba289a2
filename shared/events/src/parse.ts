import type { z } from "zod";
import { CanonicalEvent, EVENT_TYPES } from "./catalog.js";
import { catalogFastPath } from "./catalog-fast-path.js";

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `afterShipment` or `at`; empty for the whole value. */
  field: string;
  reason: string;
}

export type ParseResult = { ok: true; event: CanonicalEvent } | { ok: false; problems: FieldProblem[] };

/**
 * The problems of a catalog parse (catalog.ts), named per field: an
 * unknown `type` lists the types; a union (an event time) reports the branch that matched the input's type.
 */
export function describeEventIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): FieldProblem[] {
  return issues.flatMap((i): FieldProblem[] => {
    const path = [...prefix, ...i.path];
    if (i.code === "invalid_union") {
      if (i.errors.length === 0)
        return [{ field: path.join("."), reason: `unknown event type; expected one of ${EVENT_TYPES.join(", ")}` }];
      const matched = i.errors.find((branch) => branch.some((x) => x.code !== "invalid_type")) ?? i.errors[0]!;
      return describeEventIssues(matched, path);
    }
    // zod says "Invalid input: expected string, received number"; the contract words it "Expected string, received number".
    const reason =
      i.code === "invalid_type" && i.message.startsWith("Invalid input: expected")
        ? `E${i.message.slice("Invalid input: e".length)}`
        : i.message;
    return [{ field: path.join("."), reason }];
  });
}

/** Validates one canonical event. Never throws; a failure names each bad field. */
export function parseEvent(input: unknown): ParseResult {
  // The compiled fast path returns exactly zod's output when it can vouch for the input; zod decides the rest.
  const event = catalogFastPath.parse(input);
  if (event !== undefined) return { ok: true, event };
  const r = CanonicalEvent.safeParse(input);
  return r.success ? { ok: true, event: r.data } : { ok: false, problems: describeEventIssues(r.error.issues) };
}

/** One line of problems, `field: reason; field: reason`. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join("; ");
}
