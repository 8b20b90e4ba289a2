import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROMETHEUS_DIR, promtool } from "./promtool.js";

interface Rule {
  alert?: string;
  expr: string;
  annotations?: Record<string, string>;
}

describe("Prometheus config and ScoreGuard's alerting rules (promtool)", () => {
  it("promtool check config passes on infra/prometheus/prometheus.yml, with the rules loaded", async () => {
    const out = await promtool(["check", "config", "prometheus.yml"]);
    expect(out).toContain("SUCCESS: 1 rule files found");
  });

  it("promtool check rules passes, and every rule has a summary and a runbook", async () => {
    expect(await promtool(["check", "rules", "rules.yml"])).toMatch(/SUCCESS: \d+ rules found/);
    const doc = parse(readFileSync(join(PROMETHEUS_DIR, "rules.yml"), "utf8")) as { groups: Array<{ rules: Rule[] }> };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "ScoreGuardBatchFailures",
      "ScoreGuardConsumerCrashes",
      "ScoreGuardConsumerLagHigh",
      "ScoreGuardDeadLettersRising",
      "ScoreGuardDeliveriesFailing",
      "ScoreGuardEventAgeHigh",
      "ScoreGuardPartitionStuck",
      "ScoreGuardQuotaReached",
      "ScoreGuardRedisUnreachable",
      "ScoreGuardServiceNotReady",
      "ScoreGuardShopQuarantined",
      "ScoreGuardShopQuotaReached",
      "ScoreGuardTargetDown",
    ]);
    for (const r of rules) {
      expect(r.annotations?.runbook?.length ?? 0, `${r.alert} runbook`).toBeGreaterThan(40);
      expect(r.annotations?.summary, `${r.alert} summary`).toBeTruthy();
    }
  });

  it("promtool test rules: each rule fires on its failure and stays quiet otherwise (rules.test.yml)", async () => {
    const out = await promtool(["test", "rules", "rules.test.yml"]);
    expect(out).toContain("SUCCESS");
    // Every alert is exercised by the tests.
    const tests = readFileSync(join(PROMETHEUS_DIR, "rules.test.yml"), "utf8");
    for (const name of [
      "ScoreGuardTargetDown",
      "ScoreGuardServiceNotReady",
      "ScoreGuardRedisUnreachable",
      "ScoreGuardConsumerLagHigh",
      "ScoreGuardEventAgeHigh",
      "ScoreGuardDeadLettersRising",
      "ScoreGuardDeliveriesFailing",
      "ScoreGuardQuotaReached",
    ]) {
      expect(tests, name).toContain(`alertname: ${name}`);
    }
  });
});
