import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The first-run API token: with no configuration, `npm start` makes one token with shop scope `*`,
 * once, in a git-ignored file readable only by its owner, so a newcomer can post events and open the board at
 * once, and the same token works on the next start.
 */
export const LOCAL_TOKEN_FILE = new URL("../../../.scoreguard/local-token", import.meta.url);

export function localToken(file: URL = LOCAL_TOKEN_FILE): { token: string; created: boolean; path: string } {
  const path = decodeURIComponent(file.pathname);
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (/^[A-Za-z0-9_-]{20,}$/.test(token)) return { token, created: false, path };
  }
  const token = `sg_local_${randomBytes(24).toString("base64url")}`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, created: true, path };
}
