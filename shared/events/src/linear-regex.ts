import { RE2JS } from "re2js";

/**
 * Regular expressions that tenants write (silence matchers) run on RE2's linear-time engine (re2js, a pure
 * JavaScript port of RE2), never on V8's backtracking one: `(?:(?:\w+)+)+!` would otherwise hold the event
 * loop at 100% CPU for hours. RE2 refuses what it cannot run in linear time (look-around, back-references).
 */
export const MAX_PATTERN_LENGTH = 128;

export interface LinearRegex {
  /** True when the whole input matches (anchored at both ends, like Alertmanager's regex matchers). */
  matchesWhole(input: string): boolean;
}

/** Why a pattern is refused, or null when it compiles. */
export function linearRegexProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    if (err instanceof Error) return "is not a valid regular expression";
    throw err;
  }
}

const compiled = new Map<string, LinearRegex>();
const CACHE_LIMIT = 1024;

/** Compiles a pattern already checked by `linearRegexProblem`, uncached (a compiled silence holds its own); throws on an invalid one. */
export function compileLinearRegex(pattern: string): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new RangeError(`regex pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  const p = RE2JS.compile(pattern);
  return { matchesWhole: (input) => p.matches(input) };
}

/** Compiles (and caches) a pattern already checked by `linearRegexProblem`; throws on an invalid one. */
export function linearRegex(pattern: string): LinearRegex {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = compileLinearRegex(pattern);
    // Silences are few; the cap only bounds memory if patterns churn.
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}
