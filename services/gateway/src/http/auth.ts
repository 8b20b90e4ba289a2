import { shopKey, type SilenceLimits } from "@sg/events";
import { createHash } from "node:crypto";
import type { ApiToken } from "../ports.js";

/**
 * Bearer tokens from the configuration's `apiTokens` (alerts.md "Configuration"), each scoped to shops:
 * `platform:shopId`, `platform:*`, or `*`.
 *
 * Tokens are looked up by their SHA-256 digest, so the comparison never runs over the secret itself
 * (no early-exit timing on matching prefixes), and logs only ever see a short fingerprint of the digest.
 */
export interface TokenScope {
  /** First 12 hex digits of SHA-256(token): safe to log, enough to tell tokens apart. */
  readonly fingerprint: string;
  /** The token lists `*`: every shop. */
  readonly all: boolean;
  allows(platform: string, shopId: string): boolean;
  /** True when the token lists `*` or `platform:*`. */
  allowsPlatform(platform: string): boolean;
  /** The platforms it lists as `platform:*`, and the shops it lists one by one (`platform:shopId`). */
  readonly platforms: readonly string[];
  readonly shops: readonly string[];
  /** Its own silence limits, over the configuration's `silenceLimits`. */
  readonly silenceLimits: Partial<SilenceLimits>;
  /** True when the token lists this shop by name (not through `*` or `platform:*`). */
  lists(platform: string, shopId: string): boolean;
  /** Most shops it may create per day through `*` or `platform:*`. */
  readonly newShopsPerDay: number;
}

/** New shops per day a `*` or `platform:*` token may create unless its `newShopsPerDay` says otherwise. */
export const DEFAULT_NEW_SHOPS_PER_DAY = 500;

export type AuthResult = { ok: true; scope: TokenScope } | { ok: false; reason: "missing_token" | "unknown_token" };

export interface TokenRegistry {
  authenticate(authorization: string | undefined): AuthResult;
}

const sha256 = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");

export function tokenFingerprint(token: string): string {
  return sha256(token).slice(0, 12);
}

function scopeOf(token: ApiToken): TokenScope {
  const all = token.shops.includes("*");
  const platforms = new Set(token.shops.filter((s) => s.endsWith(":*")).map((s) => s.slice(0, -2)));
  const shops = new Set(token.shops);
  return {
    fingerprint: tokenFingerprint(token.token),
    all,
    platforms: [...platforms],
    shops: [...shops].filter((s) => s !== "*" && !s.endsWith(":*")),
    silenceLimits: token.silenceLimits ?? {},
    allows: (platform, shopId) => all || platforms.has(platform) || shops.has(shopKey({ platform, shopId })),
    allowsPlatform: (platform) => all || platforms.has(platform),
    lists: (platform, shopId) => shops.has(shopKey({ platform, shopId })),
    newShopsPerDay: token.newShopsPerDay ?? DEFAULT_NEW_SHOPS_PER_DAY,
  };
}

export function createTokenRegistry(tokens: readonly ApiToken[]): TokenRegistry {
  const byDigest = new Map<string, TokenScope>();
  for (const t of tokens) {
    // The same token listed twice: its shops add up.
    const digest = sha256(t.token);
    const same = tokens.filter((o) => o.token === t.token);
    const quota = same.find((o) => o.newShopsPerDay !== undefined)?.newShopsPerDay;
    byDigest.set(digest, scopeOf({ ...t, shops: same.flatMap((o) => o.shops), ...(quota === undefined ? {} : { newShopsPerDay: quota }) }));
  }
  return {
    authenticate(authorization) {
      if (authorization === undefined || authorization === "") return { ok: false, reason: "missing_token" };
      const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
      if (m === null || m[1] === undefined) return { ok: false, reason: "missing_token" };
      const scope = byDigest.get(sha256(m[1]));
      return scope === undefined ? { ok: false, reason: "unknown_token" } : { ok: true, scope };
    },
  };
}
