import { shopKey } from "@sg/events";
/** The shop's Grafana dashboard (infra provisioning uid `scoreguard-shop`, variable `shop` = platform:shopId). */
export function shopDashboardUrl(grafanaUrl: string, platform: string, shopId: string): string {
  const base = grafanaUrl.replace(/\/+$/, "");
  return `${base}/d/scoreguard-shop?var-shop=${encodeURIComponent(shopKey({ platform, shopId }))}`;
}
