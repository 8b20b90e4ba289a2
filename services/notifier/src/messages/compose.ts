import { parseShopKey } from "@sg/events";
import type { Mentions, MessageContent } from "../channels/channel.js";
import type { Notification, NotificationAlert } from "../model/types.js";
import { formatDeadline, formatLine, formatTime, formatValue } from "./format.js";
import { shopDashboardUrl } from "./links.js";
import { renderTemplate, type TemplateVars } from "./render.js";
import type { Templates } from "./templates.js";
import { reconciliationVars } from "./reconciliation-text.js";
import { scoreVars } from "./score-text.js";
import { untrusted } from "./untrusted.js";

export interface ComposeOptions {
  templates: Templates;
  grafanaUrl: string;
}

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

/** Firing before resolved, critical before warning, then by shop and metric: the order people read. */
export function sortAlerts(alerts: readonly NotificationAlert[]): NotificationAlert[] {
  const rank = (a: NotificationAlert) => (a.status === "resolved" ? 2 : SEVERITY_ORDER[a.record.severity]);
  return [...alerts].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}

/**
 * The values every alert template can use. Values from outside (the record's shop id, metric id, rule pack
 * and times) are marked `untrusted`: each channel escapes them for its own markup when it renders.
 */
export function alertVars(a: NotificationAlert, opts: ComposeOptions): TemplateVars {
  const { strings, metrics } = opts.templates;
  const r = a.record;
  const names = metrics[r.metric];
  const headroomText =
    r.headroom === undefined
      ? undefined
      : r.headroom > 0
        ? renderTemplate(strings.headroom, { headroom: r.headroom, badNoun: names?.bad ?? "" })
        : strings.headroomNone;
  const threshold = formatLine(r.threshold, r, strings);
  const target = formatLine(r.target, r, strings);
  const limits = [
    threshold === undefined ? "" : renderTemplate(strings.limits.threshold, { threshold }),
    target === undefined ? "" : renderTemplate(strings.limits.target, { target }),
  ].filter((s) => s !== "");
  return {
    severityLabel: strings.severity[r.severity],
    statusLabel: a.status === "resolved" ? strings.statusLine.resolved : strings.statusLine[r.severity],
    metric: untrusted(r.metric),
    metricName: names?.name ?? untrusted(r.metric),
    platform: r.platform,
    platformName: strings.platform[r.platform] ?? r.platform,
    shop: untrusted(r.shopId),
    value: formatValue(r.value, r.unit, strings) ?? strings.noValue,
    threshold,
    target,
    limitsText: limits.length === 0 ? " " : renderTemplate(strings.limits.wrap, { text: limits.join(strings.limits.join) }),
    numerator: r.numerator,
    denominator: r.denominator,
    headroomText,
    pending: r.pending,
    dueCount: r.dueCount,
    dueNoun: names?.due,
    soonestDeadline: untrusted(formatDeadline(r.soonestDeadline, r.at)),
    projectedValue: formatValue(r.projectedValue, r.unit, strings),
    rulePack: untrusted(r.rulePack),
    at: untrusted(formatTime(r.at)),
    dashboardUrl: shopDashboardUrl(opts.grafanaUrl, r.platform, r.shopId),
    // A score alert names the score, not a metric, and says what its pending items would cost.
    ...(r.kind === "score" ? scoreVars(r, opts.templates) : {}),
    // A drift from the platform's figures says how many items differ on which day, and names them.
    ...(r.kind === "reconciliation_drift" ? reconciliationVars(r, opts.templates) : {}),
  };
}

function alertBlock(a: NotificationAlert, opts: ComposeOptions): string {
  const f = opts.templates.file;
  const tpl =
    a.status === "resolved"
      ? f["alert.resolved.md"]
      : a.record.kind === "at_risk"
        ? f["alert.at_risk.md"]
        : a.record.kind === "score"
          ? f["alert.score.md"]
          : a.record.kind === "reconciliation_drift"
            ? f["alert.reconciliation.md"]
            : f["alert.threshold.md"];
  return renderTemplate(tpl, alertVars(a, opts));
}

function counts(alerts: readonly NotificationAlert[]): TemplateVars {
  const firing = alerts.filter((a) => a.status === "firing").length;
  const resolved = alerts.length - firing;
  return {
    alertCount: alerts.length,
    firingCount: firing > 0 && resolved > 0 ? firing : undefined,
    resolvedCount: firing > 0 && resolved > 0 ? resolved : undefined,
    firingOnlyCount: firing > 0 && resolved === 0 ? firing : undefined,
    resolvedOnlyCount: resolved > 0 && firing === 0 ? resolved : undefined,
  };
}

function tone(alerts: readonly NotificationAlert[]): MessageContent["tone"] {
  const firing = alerts.filter((a) => a.status === "firing");
  if (firing.some((a) => a.record.severity === "critical")) return "critical";
  return firing.length > 0 ? "warning" : "resolved";
}

export function mergeMentions(list: readonly Mentions[]): Mentions {
  return {
    mobiles: [...new Set(list.flatMap((m) => m.mobiles))],
    userIds: [...new Set(list.flatMap((m) => m.userIds))],
    all: list.some((m) => m.all),
  };
}

function groupName(n: Notification, opts: ComposeOptions): string {
  const { strings } = opts.templates;
  const labels = Object.entries(n.groupLabels);
  const shop = n.groupLabels.shop;
  if (labels.length === 1 && shop !== undefined) {
    const ref = parseShopKey(shop);
    if (ref !== null)
      return renderTemplate(strings.groupName.shop, {
        platformName: strings.platform[ref.platform] ?? ref.platform,
        shop: untrusted(ref.shopId),
      });
  }
  return renderTemplate(strings.groupName.other, { labels: labels.map(([k, v]) => `${k}=${untrusted(v) ?? ""}`).join(", ") || "*" });
}

function moreLine(opts: ComposeOptions): (hidden: number) => string {
  return (hidden) => renderTemplate(opts.templates.strings.more, { count: hidden });
}

/** One group's notification, one detailed block per alert. */
export function composeNotification(n: Notification, opts: ComposeOptions): MessageContent {
  const { strings, file } = opts.templates;
  const alerts = sortAlerts(n.alerts);
  const t = tone(alerts);
  const statusLabel = t === "resolved" ? strings.statusLine.resolved : strings.statusLine[t];
  const name = groupName(n, opts);
  const first = alerts[0];
  const title =
    alerts.length === 1 && first !== undefined
      ? renderTemplate(strings.title.one, { ...alertVars(first, opts), statusLabel })
      : renderTemplate(strings.title.many, { statusLabel, groupName: name, alertCount: alerts.length });
  return {
    status: n.status,
    tone: t,
    title,
    header: renderTemplate(file["header.md"], { groupName: name, ...counts(alerts) }),
    items: alerts.map((a) => alertBlock(a, opts)),
    itemSeparator: "\n\n",
    moreLine: moreLine(opts),
    footer: renderTemplate(file["footer.md"], { notificationId: untrusted(n.id) }),
    mentions: mergeMentions([n.mentions]),
    notifications: [n],
    alerts,
  };
}

/** Several notifications for one robot merged into one message, one line per alert (rate limits). */
export function composeSummary(ns: readonly Notification[], opts: ComposeOptions): MessageContent {
  const { strings, file } = opts.templates;
  const alerts = sortAlerts(ns.flatMap((n) => n.alerts));
  const t = tone(alerts);
  return {
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    tone: t,
    title: renderTemplate(strings.title.summary, { alertCount: alerts.length }),
    header: renderTemplate(file["summary.header.md"], { notificationCount: ns.length, ...counts(alerts) }),
    items: alerts.map((a) => renderTemplate(file["summary.line.md"], alertVars(a, opts))),
    itemSeparator: "\n",
    moreLine: moreLine(opts),
    footer: "",
    mentions: mergeMentions(ns.map((n) => n.mentions)),
    notifications: [...ns],
    alerts,
  };
}
