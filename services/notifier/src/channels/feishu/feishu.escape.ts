import { MARKUP_CHARS } from "../lookalike.js";

/**
 * A value from outside as Feishu `lark_md` text. Feishu's card markdown shows a special character given as
 * an HTML character reference (the card docs' escaping of `<`, `>`, `*`, `~`, `[`, `]`, …), so every
 * metacharacter, and `:` before `//` (bare URLs link themselves), becomes `&#N;`. `<` among them: a value
 * cannot open `<at>`, `<font>` or any other tag.
 */
export function escapeLarkMd(value: string): string {
  let out = "";
  for (const c of value) out += MARKUP_CHARS.includes(c) ? `&#${c.charCodeAt(0)};` : c;
  return out.replace(/:(?=\/\/)/g, "&#58;");
}
