import { ConfigError, formatPath } from "@sg/config";
import { loadRulePacks, scoreConfigIssues, type ScoreConfigView } from "@sg/rules";

/**
 * The start-up check of the score configuration: chosen packs exist and are selectable, parameter tables
 * fit their packs, industries are known. Throws a ConfigError naming each path.
 * An active pack is evaluable: its every metric has a kind the engine implements (the pack schema lists
 * only those, and the engine's kind tables are exhaustive).
 */
export function checkScoreConfig(config: ScoreConfigView, packs = loadRulePacks()): void {
  const problems = scoreConfigIssues(config, packs).map((i) => ({ path: formatPath(i.path), reason: i.message }));
  if (problems.length > 0) throw new ConfigError("Invalid score configuration:", problems);
}
