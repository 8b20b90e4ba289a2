import { foldToFullWidth } from "../lookalike.js";

/**
 * A value from outside as DingTalk markdown text. DingTalk documents no escaping for its markdown subset
 * (headings, bold, links, images, quotes, lists, `<font>`), and whether a backslash escapes is not stated,
 * so every metacharacter becomes its full-width look-alike.
 */
export function escapeDingTalk(value: string): string {
  return foldToFullWidth(value);
}
