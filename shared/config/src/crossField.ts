/**
 * Rules that span sections: routes name existing receivers; an API token is defined once, and is at least
 * `MIN_TOKEN_LENGTH` characters unless the file marks itself `development: true`.
 *
 * They take the raw input rather than the parsed config, because zod runs a `superRefine` only when the
 * object beneath it parsed; `parseScoreguardConfig` applies them to the raw input too, so one run lists
 * a misspelt receiver next to an unrelated type error.
 */
export interface CrossFieldIssue {
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function crossFieldIssues(input: unknown): CrossFieldIssue[] {
  if (!isRecord(input)) return [];
  return [...receiverReferenceIssues(input), ...duplicateTokenIssues(input), ...shortTokenIssues(input), ...packPlatformIssues(input)];
}

/** A pack chosen for a platform or a shop must be one of that platform's (`douyin@…` for `douyin:…`). */
function packPlatformIssues(config: Record<string, unknown>): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  const check = (path: (string | number)[], platform: string, choice: unknown) => {
    if (typeof choice !== "string" || choice === "latest" || !choice.includes("@")) return;
    if (choice.slice(0, choice.indexOf("@")) !== platform)
      issues.push({ path, message: `${JSON.stringify(choice)} is not a ${platform} rule pack` });
  };
  if (isRecord(config.packs)) for (const [platform, choice] of Object.entries(config.packs)) check(["packs", platform], platform, choice);
  if (isRecord(config.shops))
    for (const [key, shop] of Object.entries(config.shops)) {
      if (isRecord(shop) && key.includes(":")) check(["shops", key, "pack"], key.slice(0, key.indexOf(":")), shop.pack);
    }
  return issues;
}

function receiverReferenceIssues(config: Record<string, unknown>): CrossFieldIssue[] {
  const issues: CrossFieldIssue[] = [];
  const defined = isRecord(config.receivers) ? config.receivers : {};
  if (!Array.isArray(config.routes)) return issues;
  config.routes.forEach((route: unknown, r) => {
    if (!isRecord(route) || !Array.isArray(route.receivers)) return;
    const names: unknown[] = route.receivers;
    names.forEach((name, i) => {
      if (typeof name !== "string" || name === "") return; // the type error is the route schema's to report
      if (!Object.hasOwn(defined, name)) {
        issues.push({ path: ["routes", r, "receivers", i], message: `unknown receiver ${JSON.stringify(name)}` });
      } else if (names.indexOf(name) !== i) {
        issues.push({ path: ["routes", r, "receivers", i], message: `receiver ${JSON.stringify(name)} is listed twice` });
      }
    });
  });
  return issues;
}

/** Two entries with one token would give that token two different shop lists. The token itself is never quoted. */
function duplicateTokenIssues(config: Record<string, unknown>): CrossFieldIssue[] {
  if (!Array.isArray(config.apiTokens)) return [];
  const first = new Map<string, number>();
  const issues: CrossFieldIssue[] = [];
  config.apiTokens.forEach((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.token !== "string") return;
    const prev = first.get(entry.token);
    if (prev === undefined) first.set(entry.token, i);
    else issues.push({ path: ["apiTokens", i, "token"], message: `same token as apiTokens[${prev}]` });
  });
  return issues;
}

/** A token anyone could guess (`dev-token`) must not open a production gateway: at least this many characters. */
export const MIN_TOKEN_LENGTH = 24;

/** Short tokens, unless the file says it is a development configuration. The token itself is never quoted. */
function shortTokenIssues(config: Record<string, unknown>): CrossFieldIssue[] {
  if (config.development === true || !Array.isArray(config.apiTokens)) return [];
  const issues: CrossFieldIssue[] = [];
  config.apiTokens.forEach((entry: unknown, i) => {
    if (!isRecord(entry) || typeof entry.token !== "string" || entry.token === "") return; // the schema's to report
    if ([...entry.token].length < MIN_TOKEN_LENGTH) {
      issues.push({
        path: ["apiTokens", i, "token"],
        message: `must be at least ${MIN_TOKEN_LENGTH} characters (mark a development configuration with development: true)`,
      });
    }
  });
  return issues;
}
