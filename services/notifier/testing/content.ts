import { composeNotification, composeSummary } from "../src/messages/compose.js";
import { loadTemplates } from "../src/messages/templates.js";
import { fingerprint } from "../src/model/group.js";
import { record } from "./fixtures.js";
import type { Notification } from "../src/model/types.js";
import { alertKey, type AlertRecord } from "@sg/events";
import type { Mentions, MessageContent } from "../src/channels/channel.js";

/** Sample content for the channels' unit tests. */
export const GRAFANA = "http://grafana.local:3000";

export function notification(
  records: AlertRecord[] = [record()],
  mentions: Partial<Mentions> = {},
  id = "r0|shop=kuaishou%3As1#1",
): Notification {
  return {
    id,
    groupId: "r0|shop=kuaishou%3As1",
    groupKey: '{}/r0:{shop="kuaishou:s1"}',
    route: "r0",
    groupLabels: { shop: "kuaishou:s1" },
    status: records.some((r) => r.status === "firing") ? "firing" : "resolved",
    alerts: records.map((r) => ({
      key: alertKey(r),
      fingerprint: fingerprint(alertKey(r)),
      status: r.status,
      record: r,
      startsAt: r.at,
      ...(r.status === "resolved" ? { endsAt: r.at } : {}),
    })),
    mentions: { mobiles: [], userIds: [], all: false, ...mentions },
    createdAt: Date.parse("2026-11-20T14:00:30+08:00"),
  };
}

export function content(records?: AlertRecord[], mentions?: Partial<Mentions>, language: "zh-CN" | "en" = "zh-CN"): MessageContent {
  return composeNotification(notification(records, mentions), { templates: loadTemplates(language), grafanaUrl: GRAFANA });
}

/** `n` alerts of different metrics and shops, merged as a burst summary. */
export function burst(n: number): MessageContent {
  const ns = Array.from({ length: n }, (_, i) => notification([record({ shopId: `s${i}`, seq: i + 1 })], {}, `r0|shop=kuaishou%3As${i}#1`));
  return composeSummary(ns, { templates: loadTemplates("zh-CN"), grafanaUrl: GRAFANA });
}

export function answer(status: number, text: string, headers: Record<string, string> = {}) {
  return { status, text, headers: new Headers(headers) };
}

/** A shop id written as markup: a link and, after a newline, a forged line of the alert block. */
export const HOSTILE_SHOP = "[点此立即处理](https://evil.example/l)\n- 平台线：已豁免";
/** The same id as one line, which is how every robot must show it (in its own escaping). */
export const HOSTILE_SHOP_LINE = "[点此立即处理](https://evil.example/l) - 平台线：已豁免";

/** One alert of the hostile shop, with a rule pack in Slack and markdown markup. */
export function hostileContent(language: "zh-CN" | "en" = "zh-CN"): MessageContent {
  return content([record({ shopId: HOSTILE_SHOP, rulePack: "p <!channel> *b* _i_ ~s~ `c` a&b" })], {}, language);
}

/** Targets of markdown links `](…)` and of Slack links `<url|…>` in a text. */
export function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(\s*([^)\s]*)/g), ...text.matchAll(/<((?:https?|mailto|ftp):[^|>]*)/gi)].map((m) => m[1] ?? "");
}
