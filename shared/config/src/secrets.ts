/**
 * Which configuration values are secret, and a last pass that keeps them out of error messages.
 * @see ../../../../shared/spec/alerts.md "Secrets": webhook URLs, tokens and secrets never appear in logs.
 */

/** Field names whose values are never echoed. A receiver URL carries its token (`access_token=`, `key=`, `/hook/<id>`). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "secret",
  "appSecret",
  "messageSecret",
  "clientSecret",
  "token",
  "url",
  "key",
  "salt",
  "signSecret",
  "accessToken",
]);

/** Whether a value at this path may be secret (any segment named like a secret field). */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  return path.some((seg) => typeof seg === "string" && SECRET_FIELDS.has(seg));
}

/** Shorter values are left to the structural rule (reasons never quote secret fields); scrubbing them would mangle messages. */
const MIN_SCRUB_LENGTH = 4;

/**
 * Every string in `input` that must not be echoed: values of secret fields, any string that looks like a
 * URL (a URL typed into the wrong field is still a URL with a token), and the query values of such URLs.
 */
export function collectSecretValues(input: unknown): Set<string> {
  const found = new Set<string>();
  const seen = new WeakSet<object>();
  const visit = (value: unknown, secretField: boolean): void => {
    if (typeof value === "string") {
      if (secretField || value.includes("://")) {
        found.add(value);
        for (const m of value.matchAll(/[?&;][^=&#]*=([^&#]*)/g)) if (m[1]) found.add(m[1]);
      }
      return;
    }
    if (typeof value === "number" && secretField) {
      found.add(String(value));
      return;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) visit(item, secretField);
      return;
    }
    for (const [k, v] of Object.entries(value)) visit(v, secretField || SECRET_FIELDS.has(k));
  };
  visit(input, false);
  for (const v of found) if (v.length < MIN_SCRUB_LENGTH) found.delete(v);
  return found;
}

/** Replaces every occurrence of each secret (longest first, so a URL goes before its own query value) with `***`. */
export function scrubSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return out;
}
