import { namesShop, shopKey, type AlertRecord } from "@sg/events";
import type { Route } from "@sg/config";

/** A configured route with a stable id (`r<index>`), which names its groups. */
export type RouteSpec = Route & { id: string };

export function routeSpecs(routes: readonly Route[]): RouteSpec[] {
  return routes.map((r, i) => ({ ...r, id: `r${i}` }));
}

/** The labels an alert is matched and grouped by. `shop` is `platform:shopId`, so shops of different platforms never share a group. */
export function alertLabelValues(r: AlertRecord): Record<"platform" | "shop" | "metric" | "kind" | "severity", string> {
  return { platform: r.platform, shop: shopKey(r), metric: r.metric, kind: r.kind, severity: r.severity };
}

function matches(route: Route, r: AlertRecord): boolean {
  const m = route.match;
  if (m.platform && !m.platform.includes(r.platform)) return false;
  // The config names a shop by its shopId or its `platform:shopId` key, read as silences read it.
  if (m.shop && !m.shop.some((name) => namesShop(name, r))) return false;
  if (m.metric && !m.metric.includes(r.metric)) return false;
  if (m.severity && !m.severity.includes(r.severity)) return false;
  if (m.kind && !m.kind.includes(r.kind)) return false;
  return true;
}

/** Routes in order; the first match wins unless it has `continue` (alerts.md "Routing"). */
export function matchRoutes<R extends Route>(routes: readonly R[], r: AlertRecord): R[] {
  const out: R[] = [];
  for (const route of routes) {
    if (!matches(route, r)) continue;
    out.push(route);
    if (!route.continue) break;
  }
  return out;
}

export function groupLabelsOf(route: Route, r: AlertRecord): Record<string, string> {
  const all = alertLabelValues(r);
  return Object.fromEntries(route.groupBy.map((l) => [l, all[l]]));
}

/** `r0|shop=kuaishou%3As1`: route id plus URI-encoded labels, so it can sit inside a Redis hash tag. */
export function groupIdOf(route: RouteSpec, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${encodeURIComponent(labels[k] ?? "")}`);
  return `${route.id}|${parts.join(",")}`;
}

/** Alertmanager-style group key, as the webhook body's `groupKey`: `{}/r0:{shop="kuaishou:s1"}`. */
export function groupKeyOf(route: RouteSpec, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k] ?? "")}`);
  return `{}/${route.id}:{${parts.join(",")}}`;
}

/** The groups an alert belongs to: one per matching route. */
export function groupsFor(
  routes: readonly RouteSpec[],
  r: AlertRecord,
): Array<{ route: RouteSpec; groupId: string; labels: Record<string, string> }> {
  return matchRoutes(routes, r).map((route) => {
    const labels = groupLabelsOf(route, r);
    return { route, groupId: groupIdOf(route, labels), labels };
  });
}
