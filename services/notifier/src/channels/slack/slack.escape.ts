import { foldToFullWidth } from "../lookalike.js";

/**
 * Slack's three control characters as its formatting docs escape them: `&`, `<`, `>` as HTML entities.
 * Nothing else may be entity-encoded (Slack decodes only these).
 */
export function escapeSlackEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A value from outside as mrkdwn text. `&<>` as entities, so a value opens no `<url|link>`, `<!channel>` or
 * `<@user>`. mrkdwn has no escape for its formatting characters (`*bold*`, `_italic_`, `~strike~`,
 * `` `code` ``), so those, markdown link brackets and `\` become full-width look-alikes; the section is
 * also sent `verbatim`, so bare URLs and channel names are not linked.
 */
export function escapeMrkdwn(value: string): string {
  return foldToFullWidth(escapeSlackEntities(value), "\\`*_~[]()!|#${}");
}
