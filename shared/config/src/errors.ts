/** One problem in a configuration source: where (`routes[0].receivers[1]`, `GATEWAY_PORT`) and why. */
export interface ConfigProblem {
  path: string;
  reason: string;
}

/**
 * A configuration that cannot be used: an invalid `SCOREGUARD_CONFIG` file or environment.
 * The message lists every problem, one `path: reason` per line, and never a secret value
 * (alerts.md "Secrets": webhook URLs, tokens and secrets never appear in logs, and a start-up
 * error is logged).
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly ConfigProblem[];

  constructor(title: string, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(formatMessage(title, problems), options);
    this.problems = problems;
  }
}

function formatMessage(title: string, problems: readonly ConfigProblem[]): string {
  if (problems.length === 0) return title;
  return `${title}\n${problems.map((p) => `  ${p.path}: ${p.reason}`).join("\n")}`;
}

/** `["routes", 0, "receivers", 1]` → `routes[0].receivers[1]`; keys that are not plain names are quoted: `shops["kuaishou:s1"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
