import { ConfigError, formatPath } from "@sg/config";
import type { Calendars } from "@sg/config";
import { PLATFORMS } from "@sg/events";
import { calendarIssues, loadRulePacks, scoreConfigIssues, type ScoreConfigView } from "@sg/rules";
import { buildAccounting } from "../engine/incremental/accounting.js";
import { calibrationIssues, type CalibrationConfigView } from "./calibration.js";
import { scoreLineIssues, type ScoreLinesView } from "./lines.js";

/**
 * The start-up check of the score configuration: chosen packs exist and are selectable, parameter tables
 * fit their packs, industries are known. Throws a ConfigError naming each path.
 * An active pack is evaluable: its every metric has a kind the engine implements (the pack schema lists
 * only those, and the engine's kind tables are exhaustive).
 */
export function checkScoreConfig(config: ScoreConfigView & ScoreLinesView & CalibrationConfigView, packs = loadRulePacks()): void {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const issues = [...scoreConfigIssues(config, packs), ...scoreLineIssues(config, packs, today), ...calibrationIssues(config, packs)];
  const problems = issues.map((i) => ({
    path: formatPath(i.path),
    reason: i.message,
  }));
  // Engine v2 accounts every selectable pack of each platform: one it cannot serve stops the start.
  for (const platform of PLATFORMS) {
    try {
      buildAccounting(platform, packs);
    } catch (err) {
      problems.push({ path: `rule packs of ${platform}`, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  if (problems.length > 0) throw new ConfigError("Invalid score configuration:", problems);
}

/**
 * The start-up check of `calendars` against the packs (unknown metrics, nothing to extend, looser "stricter"
 * lines). Throws a ConfigError naming each path. What the engine applies: docs/calendars.md "Status".
 */
export function checkCalendarConfig(config: object, packs = loadRulePacks()): void {
  // The parsed configuration (@sg/config) carries `calendars`; the processor's narrower config views do not name it.
  const calendars = "calendars" in config ? (config.calendars as Calendars | undefined) : undefined;
  const problems = calendarIssues(calendars, packs).map((i) => ({ path: formatPath(i.path), reason: i.message }));
  if (problems.length > 0) throw new ConfigError("Invalid calendars:", problems);
}
