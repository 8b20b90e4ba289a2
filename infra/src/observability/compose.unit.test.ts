import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dashboards } from "./dashboards.js";

const infra = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => parse(readFileSync(join(infra, path), "utf8")) as Record<string, unknown>;

interface ComposeService {
  volumes?: string[];
  environment?: Record<string, string>;
}

/** Docker cannot run here; this checks that compose.yaml wires what the issue asks for to files that exist. */
describe("infra/compose.yaml provisions Prometheus and Grafana", () => {
  const compose = read("compose.yaml") as { services: Record<string, ComposeService> };

  it("Prometheus gets its config and ScoreGuard's rules, under the names prometheus.yml loads", () => {
    const volumes = compose.services.prometheus!.volumes ?? [];
    const config = read("prometheus/prometheus.yml") as { rule_files: string[] };
    for (const rules of config.rule_files) {
      expect(
        volumes.some((v) => v.startsWith(`./prometheus/${rules}:/etc/prometheus/${rules}`)),
        rules,
      ).toBe(true);
      expect(existsSync(join(infra, "prometheus", rules))).toBe(true);
    }
  });

  it("Grafana gets the datasource the dashboards name, both dashboards, and a home dashboard that exists", () => {
    const grafana = compose.services.grafana!;
    expect(grafana.volumes).toContain("./grafana/dashboards:/var/lib/grafana/dashboards:ro");
    const provider = read("grafana/provisioning/dashboards/scoreguard.yml") as { providers: Array<{ options: { path: string } }> };
    expect(provider.providers[0]!.options.path).toBe("/var/lib/grafana/dashboards");
    const home = grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? "";
    expect(Object.keys(dashboards())).toContain(basename(home));
    const ds = read("grafana/provisioning/datasources/prometheus.yml") as { datasources: Array<{ uid: string; type: string }> };
    for (const d of Object.values(dashboards())) {
      for (const p of d.panels ?? []) {
        const ref = (p as { datasource?: { uid?: string; type?: string } }).datasource;
        if (ref) expect(ds.datasources.map((x) => `${x.type}/${x.uid}`)).toContain(`${ref.type}/${ref.uid}`);
      }
    }
  });
});
