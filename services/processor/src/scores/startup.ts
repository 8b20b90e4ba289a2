import { ConfigError, formatPath } from "@sg/config";
import { DEFAULT_PACKS, loadRulePacks, scoreConfigIssues, selectablePacks, type ScoreConfigView } from "@sg/rules";
import type { Platform } from "@sg/events";
import { scoreLineIssues, type ScoreLinesView } from "./lines.js";

/**
 * The start-up check of the score configuration: chosen packs exist and are selectable, parameter tables
 * fit their packs, industries are known. Throws a ConfigError naming each path.
 *
 * The engine evaluates each platform's contract-v1 pack; a pack other than that one may only become
 * selectable once the engine evaluates it, and this check refuses to start if one did without that.
 */
export function checkScoreConfig(config: ScoreConfigView & ScoreLinesView, packs = loadRulePacks()): void {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const problems = [...scoreConfigIssues(config, packs), ...scoreLineIssues(config, packs, today)].map((i) => ({
    path: formatPath(i.path),
    reason: i.message,
  }));
  for (const platform of Object.keys(DEFAULT_PACKS) as Platform[]) {
    for (const p of selectablePacks(platform, packs)) {
      if (p.id !== DEFAULT_PACKS[platform])
        problems.push({ path: `rule pack ${p.id}`, reason: "is active, but the engine evaluates only contract-v1 packs so far" });
    }
  }
  if (problems.length > 0) throw new ConfigError("Invalid score configuration:", problems);
}
