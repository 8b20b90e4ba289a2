import { shopKey } from "@sg/events";

/**
 * `encodeURIComponent` that also encodes `!'()*` (RFC 3986 reserves them): a URL built from a shop id then
 * holds no `(` or `)` that would end a markdown link early and let the rest of the id read as markup.
 */
export function strictEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The shop's Grafana dashboard (infra provisioning uid `scoreguard-shop`, variable `shop` = platform:shopId). */
export function shopDashboardUrl(grafanaUrl: string, platform: string, shopId: string): string {
  const base = grafanaUrl.replace(/\/+$/, "");
  return `${base}/d/scoreguard-shop?var-shop=${strictEncode(shopKey({ platform, shopId }))}`;
}
