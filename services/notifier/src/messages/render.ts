/** A template value; `undefined`, `null` and "" count as absent. */
export type TemplateVars = Record<string, string | number | null | undefined>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Fills `{{name}}` placeholders. A line with a placeholder that has no value is dropped as a whole, so
 * a template lists optional facts one per line without conditionals. Values are inserted verbatim and
 * never re-scanned for placeholders.
 */
export function renderTemplate(template: string, vars: TemplateVars): string {
  const lines: string[] = [];
  for (const line of template.replace(/\r\n?/g, "\n").split("\n")) {
    let missing = false;
    const filled = line.replace(PLACEHOLDER, (_m, name: string) => {
      const v = vars[name];
      if (v === undefined || v === null || v === "") {
        missing = true;
        return "";
      }
      return String(v);
    });
    if (!missing) lines.push(filled);
  }
  return lines.join("\n").trim();
}
