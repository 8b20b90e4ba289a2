import type { AlertRecord, ReconciliationDriftItem } from "@sg/events";
import { renderTemplate, type TemplateVars } from "./render.js";
import type { Templates } from "./templates.js";
import { untrusted } from "./untrusted.js";

/**
 * The words of a `reconciliation_drift` alert (docs/reconciliation.md): how many of the compared items differ
 * from the platform's own figures for the day, and each item in drift with both figures ("2 of 12 indicators
 * differ from the platform's figures for 2026-12-05 (Pickup-to-delivery time: platform 20.1 h, ours 19.4 h)").
 * Figures keep two decimals: the board's one decimal would hide most drifts. Item names a template does not
 * know, and the day, come from the record, so they are marked as values from outside.
 */
export function reconciliationVars(r: AlertRecord, t: Templates): TemplateVars {
  const s = t.strings.reconciliation;
  const d = r.reconciliation;
  const drift = d?.drift ?? r.numerator ?? r.value ?? undefined;
  const compared = d?.compared ?? r.denominator;
  const counts = drift === undefined || compared === undefined ? undefined : { drift, compared };
  const vars: TemplateVars = {
    metricName: s.name,
    value: counts === undefined ? undefined : renderTemplate(s.value, counts),
    // The line and target of a count of drifts (0) say nothing a reader needs.
    threshold: undefined,
    target: undefined,
    limitsText: " ",
  };
  if (counts === undefined) return vars;
  const text = d === undefined ? renderTemplate(s.textNoDay, counts) : renderTemplate(s.text, { ...counts, day: untrusted(d.day) });
  const items = (d?.items ?? []).map((i) =>
    renderTemplate(s.item, { name: itemName(i, t), platform: figure(i.platform, i, t), ours: figure(i.ours, i, t) }),
  );
  const hidden = (d?.drift ?? 0) - items.length;
  if (hidden > 0) items.push(renderTemplate(s.more, { count: hidden }));
  vars.reconciliationText = items.length === 0 ? text : renderTemplate(s.withItems, { text, items: items.join(s.join) });
  return vars;
}

function itemName(i: ReconciliationDriftItem, t: Templates): string | undefined {
  const s = t.strings.reconciliation;
  if (i.kind === "total") return s.total;
  if (i.kind === "dimension") return renderTemplate(s.dimension, { name: untrusted(i.item.replace(/^score\.dimension\./, "")) });
  return t.metrics[i.item]?.name ?? untrusted(i.item);
}

/** A figure in its unit with up to two decimals (ratios as percentages), or the template's "no value". */
function figure(v: number | null, i: ReconciliationDriftItem, t: Templates): string {
  if (v === null || !Number.isFinite(v)) return t.strings.noValue;
  const n = i.unit === "ratio" ? v * 100 : v;
  const digits = i.unit === "count" ? 0 : 2;
  return renderTemplate(t.strings.units[i.unit], { v: String(Number(n.toFixed(digits))) });
}
