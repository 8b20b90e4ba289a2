import type { AlertRecord } from "@sg/events";
import type { Mentions } from "../channels/channel.js";

/** One alert as a notification states it. */
export interface NotificationAlert {
  /** `alertKey(record)`: the identity (platform, shop, metric, kind). */
  key: string;
  /** Stable short hash of the identity, as Alertmanager's `fingerprint`. */
  fingerprint: string;
  status: "firing" | "resolved";
  /** The latest record of the identity (for a resolved alert, the resolving record). */
  record: AlertRecord;
  /** When it started firing (the first firing record's `at`). */
  startsAt: string;
  /** When it resolved (the resolving record's `at`). */
  endsAt?: string;
}

/** What one group flush hands to each of its receivers. */
export interface Notification {
  /** Stable across retries and restarts: `${groupId}#${flushSeq}` (alerts.md "a stable key"). */
  id: string;
  groupId: string;
  /** Alertmanager-style group key, e.g. `{}/r0:{shop="kuaishou:s1"}`. */
  groupKey: string;
  route: string;
  groupLabels: Record<string, string>;
  status: "firing" | "resolved";
  alerts: NotificationAlert[];
  mentions: Mentions;
  /** Epoch ms of the flush. */
  createdAt: number;
}
