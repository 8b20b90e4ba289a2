/**
 * Webhook URLs carry their credential: DingTalk `?access_token=`, WeCom `?key=`, Feishu `/hook/<uuid>`,
 * Slack `/services/T…/B…/<secret>`, and a signed request adds `timestamp` and `sign` (alerts.md "Receivers").
 * alerts.md "Secrets": webhook URLs, tokens and secrets never appear in logs. What stays is what helps
 * debugging: scheme, host, port and the non-secret part of the path.
 */

export const MASK = "***";

/** Query parameters whose values are credentials or signatures (`timestamp` goes with `sign`). */
const SECRET_PARAM =
  /^(?:key|sign|sig|signature|timestamp|code|auth|password|passwd|pwd|salt)$|token|secret|apikey|api_key|_key$|credential/i;

/** A path segment after one of these is the hook's credential, unless it is a plain word such as WeCom's `send`. */
const HOOK_SEGMENT = /^(?:hook|hooks|webhook|webhooks|services|robot)$/i;
const PLAIN_WORD = /^[a-z]{1,12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Long random-looking strings (letters and digits mixed) are treated as tokens wherever they sit in a path. */
function looksLikeToken(segment: string): boolean {
  if (UUID.test(segment)) return true;
  return segment.length >= 24 && /^[A-Za-z0-9_\-+=.%~]+$/.test(segment) && /\d/.test(segment) && /[A-Za-z]/.test(segment);
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/is;

/**
 * `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1&sign=xyz`
 * → `https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=***`.
 * Also masks user info (`redis://:pw@host` → `redis://***@host`) and fragments. Never throws: a string that
 * is not a URL gets the same treatment as far as it goes.
 */
export function redactUrl(url: string): string {
  const m = URL_PARTS.exec(url);
  if (m === null) return url;
  const [, scheme = "", userinfo, host = "", path = "", query, fragment] = m;
  // Without a scheme the first part is a path, not a host (`/hook/abc`), unless it looks like host.tld.
  const hasHost = scheme !== "" || /^[\w.-]+\.[a-z]{2,}(?::\d+)?$/i.test(host);
  const authority = (userinfo ? `${MASK}@` : "") + (hasHost ? host : "");
  const fullPath = hasHost ? path : host + path;
  return scheme + authority + redactPath(fullPath) + (query ? redactQuery(query) : "") + (fragment ? `#${MASK}` : "");
}

function redactPath(path: string): string {
  const segments = path.split("/");
  let afterHook = false;
  return segments
    .map((seg) => {
      if (seg === "") return seg;
      const secret = looksLikeToken(seg) || (afterHook && !PLAIN_WORD.test(seg));
      if (HOOK_SEGMENT.test(seg)) afterHook = true;
      return secret ? MASK : seg;
    })
    .join("/");
}

function redactQuery(query: string): string {
  return query.replace(/([?&;])([^=&#;]*)=([^&#;]*)/g, (whole, sep: string, name: string) =>
    SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${MASK}` : whole,
  );
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // malformed escapes: match on the raw name
  }
}

/**
 * URLs inside free text: messages, error messages and stacks, and whole JSON log lines. The character class
 * stops at quotes and backslashes, so scrubbing a JSON line never breaks its escaping.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\`]+/gi;
/** `access_token=…` outside a recognisable URL, e.g. in a form body. Names that are credentials wherever they appear. */
const SECRET_PAIR_ANYWHERE =
  /(^|[^A-Za-z0-9_])((?:access_?token|token|secret|sign|signature|password|passwd|api_?key|app_?secret|client_?secret|message_?secret|[A-Za-z]+_token|[A-Za-z]+_secret)=)([^&\s#"'<>\\,;]+)/gi;
/** Names that are only credentials as query parameters (`key=` alone is too often a Kafka or Redis key). */
const SECRET_PAIR_IN_QUERY = /([?&])((?:key|timestamp)=)([^&\s#"'<>\\,;]+)/gi;
/** `"secret": "…"` in raw JSON text (a logged request body) and in the final log line. */
const SECRET_JSON_FIELD =
  /"(secret|token|appSecret|messageSecret|clientSecret|password|access_token|accessToken|authorization|apiKey|api_key|cookie|salt)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Masks credentials in any text. Idempotent, and safe on JSON text (keeps quotes and escapes intact). */
export function scrubText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_IN_TEXT, (u) => redactUrl(u))
    .replace(SECRET_PAIR_ANYWHERE, (_m, pre: string, name: string) => `${pre}${name}${MASK}`)
    .replace(SECRET_PAIR_IN_QUERY, (_m, pre: string, name: string) => `${pre}${name}${MASK}`)
    .replace(SECRET_JSON_FIELD, (_m, name: string, colon: string) => `"${name}"${colon}"[Redacted]"`)
    .replace(BEARER, (_m, word: string) => `${word} ${MASK}`);
}
