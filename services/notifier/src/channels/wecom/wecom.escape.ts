import { foldToFullWidth } from "../lookalike.js";

/**
 * A value from outside as WeCom markdown text. WeCom documents no escaping for its markdown subset (bold,
 * links, quotes, inline code, `<font color>`, `<@userid>` mentions), so every metacharacter becomes its
 * full-width look-alike; `<` among them, so a value cannot open a tag or mention anyone.
 */
export function escapeWeCom(value: string): string {
  return foldToFullWidth(value);
}
