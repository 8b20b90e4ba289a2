import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboardJson, dashboards } from "./dashboards.js";

/** `npm run dashboards`: writes the generated dashboards to infra/grafana/dashboards, where Grafana is provisioned from. */
export const DASHBOARD_DIR = fileURLToPath(new URL("../../grafana/dashboards/", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, d] of Object.entries(dashboards())) {
    writeFileSync(join(DASHBOARD_DIR, file), dashboardJson(d));
    process.stdout.write(`wrote infra/grafana/dashboards/${file}\n`);
  }
}
