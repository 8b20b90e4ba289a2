import { alertKey, type AlertRecord } from "@sg/events";

/**
 * alerts.md "Inhibition": a firing `critical` threshold alert mutes the `warning` alerts of the same shop
 * and metric (in practice the metric's `at_risk` warning: a threshold alert is one identity whose
 * severity moves between warning and critical). As in Alertmanager, a silenced source still inhibits.
 * `shopAlerts` are the latest records of the alert's shop.
 */
export function inhibitedBy(alert: AlertRecord, shopAlerts: Iterable<AlertRecord>): AlertRecord | undefined {
  if (alert.severity !== "warning") return undefined;
  const self = alertKey(alert);
  for (const src of shopAlerts) {
    if (
      src.kind === "threshold" &&
      src.status === "firing" &&
      src.severity === "critical" &&
      src.platform === alert.platform &&
      src.shopId === alert.shopId &&
      src.metric === alert.metric &&
      alertKey(src) !== self
    ) {
      return src;
    }
  }
  return undefined;
}
