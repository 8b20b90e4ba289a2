/**
 * Markdown metacharacters folded to their full-width look-alikes (U+FF01–U+FF5E): they read the same, and
 * no markdown renderer gives them a meaning. For robots whose markdown documents no escaping (DingTalk,
 * WeCom), and for the formatting characters Slack's mrkdwn cannot escape. Only for values on one line
 * (`oneLine`), which never start a line, so line-start syntax (`- `, `1. `, `> `, `# `) cannot arise.
 */
export const MARKUP_CHARS = "\\`*_~[]()<>!|&#${}";

const FULL_WIDTH_OFFSET = 0xfee0;

/** Each character of `chars` in `value` as its full-width form, and `://` broken so no bare URL links itself. */
export function foldToFullWidth(value: string, chars: string = MARKUP_CHARS): string {
  let out = "";
  for (const c of value) out += chars.includes(c) ? String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET) : c;
  return breakUrlSchemes(out);
}

/** `https://x` → `https：//x`: renderers that link bare URLs (autolinks) no longer see one. */
export function breakUrlSchemes(value: string): string {
  return value.replace(/:(?=\/\/)/g, "：");
}
