import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardJson, dashboards, SHOP_DASHBOARD_UID } from "./dashboards.js";
import { DASHBOARD_DIR } from "./generate.js";
import { panelQueries } from "./panel-queries.js";

describe("dashboards as code", () => {
  it("the committed JSON under infra/grafana/dashboards is what the generator writes (run `npm run dashboards`)", () => {
    const generated = dashboards();
    expect(
      readdirSync(DASHBOARD_DIR)
        .filter((f) => f.endsWith(".json"))
        .sort(),
    ).toEqual(Object.keys(generated).sort());
    for (const [file, d] of Object.entries(generated)) {
      expect(readFileSync(join(DASHBOARD_DIR, file), "utf8"), file).toBe(dashboardJson(d));
    }
  });

  it("are titled as the issue names them, and every panel has at least one query", () => {
    const all = Object.values(dashboards());
    expect(all.map((d) => d.title).sort()).toEqual(["ScoreGuard: pipeline", "ScoreGuard: shop"]);
    for (const d of all) {
      for (const p of d.panels ?? []) {
        if (p.type === "row") continue;
        expect((p as { targets?: unknown[] }).targets?.length ?? 0, `${d.title} / ${String(p.title)}`).toBeGreaterThan(0);
      }
      expect(panelQueries(d).length).toBeGreaterThan(3);
    }
  });

  it("the shop dashboard keeps the uid and `shop` variable the notifier's links use, and has a platform variable", () => {
    const shop = dashboards()[`${SHOP_DASHBOARD_UID}.json`]!;
    expect(shop.uid).toBe("scoreguard-shop");
    const vars = shop.templating.list ?? [];
    expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(["platform", "shop"]));
    // The link sets var-shop=platform:shopId, so the variable's values must be the shop_key label.
    expect(JSON.stringify(vars.find((v) => v.name === "shop")?.query)).toContain("shop_key");
  });

  it("name every alert kind where a panel lists them, and show the score telemetry without a shop label", () => {
    const all = dashboards();
    const shop = all[`${SHOP_DASHBOARD_UID}.json`]!;
    const firing = (shop.panels ?? []).find((p) => p.title === "Firing alerts") as { description?: string };
    // The kinds of shared/events ALERT_KINDS (infra does not depend on @sg/events).
    for (const kind of ["threshold", "at_risk", "score", "reconciliation_drift"]) expect(firing.description).toContain(kind);
    const pipeline = Object.values(all).find((d) => d.title === "ScoreGuard: pipeline")!;
    const exprs = panelQueries(pipeline).map((q) => q.expr);
    for (const name of [
      "sg_processor_score_evaluations_total",
      "sg_processor_score_alert_records_published_total",
      "sg_processor_score_headroom_items_bucket",
    ]) {
      const e = exprs.find((x) => x.includes(name));
      expect(e, name).toBeDefined();
      expect(e).not.toMatch(/shop/);
    }
  });
});
