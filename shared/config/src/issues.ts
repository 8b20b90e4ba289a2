import type { z } from "zod";
import { formatPath, type ConfigProblem } from "./errors.js";
import { isSecretPath } from "./secrets.js";

/**
 * Turns zod issues into `path: reason` problems. Reasons are written here rather than taken from zod,
 * because zod's own messages may quote received values, and a value may be a secret. A received value is
 * read only when the parse reported its input (`safeParse(v, { reportInput: true })`), and quoted only for
 * enums, outside secret paths, when `quoteValues`.
 */
export function describeIssues(error: z.ZodError, opts: { quoteValues?: boolean } = {}): ConfigProblem[] {
  const quoteValues = opts.quoteValues ?? true;
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: formatPath([...pathOf(issue), key]), reason: "unknown key" });
      continue;
    }
    problems.push({ path: formatPath(pathOf(issue)), reason: describeIssue(issue, quoteValues) });
  }
  return problems;
}

function pathOf(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
}

/** zod's default wording for an invalid type: "Invalid input: expected string, received number". */
const ZOD_INVALID_TYPE = /^Invalid input: expected (\S+), received (\S+)$/;

function describeIssue(issue: z.core.$ZodIssue, quoteValues: boolean): string {
  const quote = quoteValues && !isSecretPath(pathOf(issue));
  switch (issue.code) {
    case "invalid_type": {
      const m = ZOD_INVALID_TYPE.exec(issue.message);
      // A schema's own error message (`z.number({ error: "…" })`).
      if (m === null) return issue.message;
      const received = m[2]!;
      if (received === "undefined") return "is required";
      if (issue.expected === "number" && (received === "NaN" || received === "Infinity" || received === "-Infinity"))
        return "must be a finite number";
      return `expected ${issue.expected}, got ${received}${
        issue.expected === "string" && (received === "number" || received === "boolean") ? " (quote the value)" : ""
      }`;
    }
    case "invalid_value": {
      if (issue.values.length === 1) return `must be ${JSON.stringify(issue.values[0])}`;
      const got = quote && typeof issue.input === "string" && issue.input.length <= 40 ? `, got ${JSON.stringify(issue.input)}` : "";
      return `must be one of ${issue.values.map(String).join(", ")}${got}`;
    }
    case "invalid_union":
      // A discriminated union's unknown discriminator (unless the schema words it itself).
      if (issue.message !== "Invalid input" && !issue.message.startsWith("Invalid discriminator value")) return issue.message;
      if ("options" in issue && issue.options !== undefined && issue.options.length > 0)
        return `must be one of ${issue.options.map(String).join(", ")}`;
      return "does not match any allowed form";
    case "invalid_key":
      // A bad record key: zod wraps the key's own problem ("Invalid key in record").
      return issue.issues[0] === undefined ? "is not an allowed key" : describeIssue(issue.issues[0], quoteValues);
    case "too_small":
      return zodWorded(issue) ? tooSmall(issue) : issue.message;
    case "too_big":
      return zodWorded(issue) ? tooBig(issue) : issue.message;
    default:
      // custom, invalid_format (our schemas give these their own messages), not_multiple_of, …:
      // zod's messages for these do not quote the received value.
      return issue.message;
  }
}

/** zod's own wording of a bound ("Too small: expected string to have >=1 characters"), not the schema's. */
function zodWorded(issue: z.core.$ZodIssue): boolean {
  return issue.message.startsWith("Too small: ") || issue.message.startsWith("Too big: ");
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const min = Number(issue.minimum);
  if (issue.origin === "array" || issue.origin === "set") return min <= 1 ? "must not be empty" : `must have at least ${min} items`;
  if (issue.origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
  return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig): string {
  const max = Number(issue.maximum);
  if (issue.origin === "array" || issue.origin === "set") return `must have at most ${max} items`;
  if (issue.origin === "string") return `must be at most ${max} characters`;
  return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
}
