/**
 * Values from outside (shop ids, rule packs, group labels, anything an alert record carries) inside composed
 * text. The composer cannot escape them, since one message goes to robots with different markup (and to
 * plain-text fields of the same robot); it marks them instead, and each channel's `render` replaces every
 * marked value with its own escaping (`renderMarked`). Template text around the values is ours and stays.
 *
 * A mark is a pair of private-use characters, removed from values first, so a value cannot forge or end one.
 */
const OPEN = "\uE000";
const CLOSE = "\uE001";
/** Inside `renderMarked` only: a value's place while the template text is transformed. */
const SLOT_OPEN = "\uE002";
const SLOT_CLOSE = "\uE003";
const RESERVED = /[\uE000-\uE003]/g;
const MARKED = /\uE000([^\uE000\uE001]*)\uE001/g;
const SLOT = /\uE002(\d+)\uE003/g;

/**
 * Characters that would break a value out of its line or reorder what a reader sees: C0 and C1 controls
 * (newlines, tabs, escape), line and paragraph separators, and the bidirectional controls.
 */
// eslint-disable-next-line no-control-regex
const BREAKING = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]+/g;

/** A value on one line: breaking characters become one space, marks are dropped. */
export function oneLine(value: string): string {
  return value.replace(RESERVED, "").replace(BREAKING, " ");
}

/** Marks a value from outside; absent and empty values stay absent, so template lines still drop them. */
export function untrusted(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  return `${OPEN}${oneLine(value)}${CLOSE}`;
}

/**
 * The text with every marked value escaped by `escapeValue`. `template`, when given, transforms the text
 * around the values (Slack's markdown-to-mrkdwn) while they wait in numbered slots it cannot touch. Stray
 * mark characters never reach a robot.
 */
export function renderMarked(text: string, escapeValue: (value: string) => string, template?: (text: string) => string): string {
  const values: string[] = [];
  const slotted = text.replace(MARKED, (_m, v: string) => `${SLOT_OPEN}${values.push(v) - 1}${SLOT_CLOSE}`);
  const around = template ? template(slotted) : slotted;
  return around.replace(SLOT, (_m, i: string) => escapeValue(values[Number(i)] ?? "")).replace(RESERVED, "");
}

/** The text as plain text (a card header, a notification title): values verbatim, on their line. */
export function plainText(text: string): string {
  return renderMarked(text, (v) => v);
}
