import type { AlertRecord } from "@sg/events";
import { formatDeadline, formatLine, formatValue } from "./format.js";
import { renderTemplate, type TemplateVars } from "./render.js";
import type { Templates } from "./templates.js";
import { untrusted } from "./untrusted.js";

/**
 * The words of a `score` alert (alerts.md "Message content", for a score): the score's name in the
 * template's language, its value against the line, what the pending items would cost ("若 3 单待揽收
 * （16:00:00 前到期）全部超时，物流体验 降至 80，总分降至 85.1"), the headroom before the line, and the
 * sample label. Titles come from the rule pack through the record, so they are marked as values from outside.
 */
export function scoreVars(r: AlertRecord, t: Templates): TemplateVars {
  const s = t.strings.score;
  const d = r.score;
  const en = t.language === "en";
  const baseTitle = d === undefined ? r.metric : en ? (d.titleEn ?? d.title) : d.title;
  const title = r.metric === "score_stars" ? renderTemplate(s.stars, { title: baseTitle }) : baseTitle;
  const points = (v: number | null | undefined) => formatValue(v, "points", t.strings);
  const vars: TemplateVars = {
    metricName: untrusted(title),
    scoreStateLabel: r.status === "resolved" ? undefined : s.state[r.severity],
    sampleText: d?.sample ? s.sample : undefined,
  };
  const risk = d?.risk ?? [];
  if (r.kind === "score" && risk.length > 0 && d?.projectedTotal !== undefined && d.projectedTotal !== null) {
    const items = risk
      .map((i) =>
        renderTemplate(s.riskItem, {
          count: i.dueCount,
          dueNoun: t.metrics[i.metric]?.due ?? untrusted(i.metric),
          dueBy: untrusted(formatDeadline(i.dueBy, r.at)),
        }),
      )
      .join(s.riskJoin);
    const dims = risk
      .filter((i, k) => risk.findIndex((j) => j.dimension === i.dimension) === k)
      .map((i) =>
        renderTemplate(s.dimDrop, {
          dimension: untrusted(en ? (i.dimensionTitleEn ?? i.dimensionTitle) : i.dimensionTitle),
          score: trimmed(i.projectedDimensionScore),
        }),
      )
      .join(s.dimJoin);
    vars.scoreRiskText = renderTemplate(s.risk, { items, dims, total: trimmed(d.projectedTotal) });
  }
  const hr = d?.headroom;
  if (hr) {
    vars.headroomText =
      hr.items === 0 || hr.metric === null
        ? s.headroomNone
        : renderTemplate(s.headroom, {
            items: hr.items,
            badNoun: t.metrics[hr.metric]?.bad ?? "",
            indicator: t.metrics[hr.metric]?.name ?? untrusted(hr.metric),
            line: points(hr.line),
          });
  } else vars.headroomText = undefined;
  if (r.unit === "stars") vars.threshold = formatLine(r.threshold, r, t.strings);
  return vars;
}

/** Up to two decimals, trailing zeros dropped: 85.1, 84.25, 80. */
function trimmed(v: number | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return String(Math.round(v * 100) / 100);
}
