import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument, type YAMLError } from "yaml";
import { crossFieldIssues } from "./crossField.js";
import { ConfigError, formatPath, type ConfigProblem } from "./errors.js";
import { describeIssues } from "./issues.js";
import { ScoreguardConfig } from "./schema.js";
import { collectSecretValues, scrubSecrets } from "./secrets.js";

/**
 * Reads the file named by `SCOREGUARD_CONFIG`, YAML or JSON (JSON is YAML 1.2, so one parser reads both),
 * and validates it. No path: the empty config, all defaults. Throws `ConfigError`.
 */
export function loadScoreguardConfig(path?: string): ScoreguardConfig {
  if (path === undefined || path === "") return parseScoreguardConfig({}, "(defaults)");
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`Cannot read ScoreGuard config ${file}`, [{ path: file, reason: readFailure(e) }], { cause: e });
  }
  return parseScoreguardConfig(parseYaml(text, file), file);
}

/** Validates an already-parsed config value; `source` names it in the error. `null` (an empty file) is the empty config. */
export function parseScoreguardConfig(input: unknown, source = "(inline)"): ScoreguardConfig {
  const value = input ?? {};
  // reportInput: an enum problem may name the value given (never at a secret path, issues.ts).
  const r = ScoreguardConfig.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const problems = describeIssues(r.error);
  const seen = new Set(problems.map((p) => `${p.path}: ${p.reason}`));
  for (const issue of crossFieldIssues(value)) {
    const p = { path: formatPath(issue.path), reason: issue.message };
    if (!seen.has(`${p.path}: ${p.reason}`)) problems.push(p);
  }
  throw new ConfigError(`Invalid ScoreGuard config ${source}:`, scrub(problems, value));
}

function scrub(problems: ConfigProblem[], input: unknown): ConfigProblem[] {
  const secrets = collectSecretValues(input);
  return problems.map((p) => ({ path: scrubSecrets(p.path, secrets), reason: scrubSecrets(p.reason, secrets) }));
}

function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "file not found";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return `cannot be read (${code ?? "unknown error"})`;
  }
}

/**
 * YAML with unique keys and merge keys (`<<: *defaults`). The parser's messages quote the offending source
 * line, which may hold a secret, so only the first sentence, the position and the code are kept; the
 * parser's error is not attached as `cause` for the same reason.
 */
function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`Invalid YAML/JSON in ScoreGuard config ${file}:`, doc.errors.map(yamlProblem));
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Unresolved or excessive aliases surface only here, as ReferenceError.
    const reason = e instanceof Error ? firstSentence(e.message) : "cannot be converted";
    throw new ConfigError(`Invalid YAML/JSON in ScoreGuard config ${file}:`, [{ path: "(document)", reason }]);
  }
}

function yamlProblem(e: YAMLError): ConfigProblem {
  const at = e.linePos?.[0];
  return {
    path: at ? `line ${at.line}, column ${at.col}` : "(document)",
    reason: `${firstSentence(e.message)} (${e.code})`,
  };
}

/** `Unresolved alias (…): SECRET at line 1, column 4:\n\n<source>` → `Unresolved alias (…)`. */
function firstSentence(message: string): string {
  const line = (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
  return line.split(": ")[0] ?? line;
}
