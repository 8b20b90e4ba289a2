/**
 * A value from outside in the webhook's `summary` annotation, which is markdown text for whoever shows it:
 * CommonMark's backslash escape before every inline metacharacter (CommonMark 0.31 §2.4: any ASCII
 * punctuation may be backslash-escaped), and before `:` of `://`, so no renderer autolinks a bare URL.
 * Labels stay the values themselves: they are data, and JSON encoding keeps them intact.
 */
export function escapeCommonMark(value: string): string {
  return value.replace(/[\\`*_~[\]()<>!|&#${}]/g, "\\$&").replace(/:(?=\/\/)/g, "\\:");
}
