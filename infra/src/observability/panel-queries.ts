import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";

/** One panel query of a dashboard, for running it against Prometheus (prometheus.obs.test.ts). */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** Every Prometheus query of every panel, including panels nested in collapsed rows. */
export function panelQueries(d: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  const visit = (panels: readonly unknown[]) => {
    for (const raw of panels) {
      const p = raw as { title?: string; panels?: unknown[]; targets?: Array<{ expr?: string; refId?: string }> };
      if (p.panels) visit(p.panels);
      for (const t of p.targets ?? []) {
        if (t.expr) out.push({ dashboard: d.title ?? "", panel: p.title ?? "", refId: t.refId ?? "", expr: t.expr });
      }
    }
  };
  visit(d.panels ?? []);
  return out;
}

/**
 * Replaces Grafana's variables in a query as Grafana would for one selection. `$__rate_interval` becomes
 * `rateInterval` (Grafana uses at least four scrape intervals).
 */
export function substitute(expr: string, vars: Record<string, string>, rateInterval = "1m"): string {
  let s = expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$__interval", rateInterval);
  for (const [name, value] of Object.entries(vars)) s = s.replaceAll(`$${name}`, value);
  if (/\$\w/.test(s)) throw new Error(`unsubstituted variable in ${s}`);
  return s;
}
