import type { z } from "zod";
import { formatPath, type ConfigProblem } from "./errors.js";
import { isSecretPath } from "./secrets.js";

/**
 * Turns zod issues into `path: reason` problems. Reasons are written here rather than taken from zod,
 * because zod's own messages quote received values (`received 'SEC…'`), and a value may be a secret.
 */
export function describeIssues(error: z.ZodError, opts: { quoteValues?: boolean } = {}): ConfigProblem[] {
  const quoteValues = opts.quoteValues ?? true;
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: formatPath([...issue.path, key]), reason: "unknown key" });
      continue;
    }
    problems.push({ path: formatPath(issue.path), reason: describeIssue(issue, quoteValues) });
  }
  return problems;
}

function describeIssue(issue: z.ZodIssue, quoteValues: boolean): string {
  const quote = quoteValues && !isSecretPath(issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return "is required";
      // A schema's own invalid_type_error (zod's default reads "Expected …, received …").
      if (!issue.message.startsWith("Expected ")) return issue.message;
      return `expected ${issue.expected}, got ${issue.received}${
        issue.expected === "string" && (issue.received === "number" || issue.received === "boolean") ? " (quote the value)" : ""
      }`;
    case "invalid_union_discriminator":
      return `must be one of ${issue.options.map(String).join(", ")}`;
    case "invalid_enum_value": {
      const got =
        quote && typeof issue.received === "string" && issue.received.length <= 40 ? `, got ${JSON.stringify(issue.received)}` : "";
      return `must be one of ${issue.options.map(String).join(", ")}${got}`;
    }
    case "invalid_literal":
      return `must be ${JSON.stringify(issue.expected)}`;
    case "too_small":
      return tooSmall(issue);
    case "too_big":
      return tooBig(issue);
    case "not_finite":
      return "must be a finite number";
    case "invalid_union":
      return "does not match any allowed form";
    default:
      // custom, invalid_string (our schemas give these their own messages), invalid_date, not_multiple_of, …:
      // zod's messages for these do not quote the received value.
      return issue.message;
  }
}

function tooSmall(issue: z.ZodTooSmallIssue): string {
  const min = Number(issue.minimum);
  if (issue.type === "array") return min <= 1 ? "must not be empty" : `must have at least ${min} items`;
  if (issue.type === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
  return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
}

function tooBig(issue: z.ZodTooBigIssue): string {
  const max = Number(issue.maximum);
  if (issue.type === "array") return `must have at most ${max} items`;
  if (issue.type === "string") return `must be at most ${max} characters`;
  return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
}
