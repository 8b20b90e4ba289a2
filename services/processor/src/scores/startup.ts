import { ConfigError, formatPath } from "@sg/config";
import type { Calendars } from "@sg/config";
import { DEFAULT_PACKS, calendarIssues, loadRulePacks, scoreConfigIssues, selectablePacks, type ScoreConfigView } from "@sg/rules";
import type { Platform } from "@sg/events";

/**
 * The start-up check of the score configuration: chosen packs exist and are selectable, parameter tables
 * fit their packs, industries are known. Throws a ConfigError naming each path.
 *
 * The engine evaluates each platform's contract-v1 pack; a pack other than that one may only become
 * selectable once the engine evaluates it, and this check refuses to start if one did without that.
 */
export function checkScoreConfig(config: ScoreConfigView, packs = loadRulePacks()): void {
  const problems = scoreConfigIssues(config, packs).map((i) => ({ path: formatPath(i.path), reason: i.message }));
  for (const platform of Object.keys(DEFAULT_PACKS) as Platform[]) {
    for (const p of selectablePacks(platform, packs)) {
      if (p.id !== DEFAULT_PACKS[platform])
        problems.push({ path: `rule pack ${p.id}`, reason: "is active, but the engine evaluates only contract-v1 packs so far" });
    }
  }
  if (problems.length > 0) throw new ConfigError("Invalid score configuration:", problems);
}

/**
 * The start-up check of `calendars` against the packs (unknown metrics, nothing to extend, looser "stricter"
 * lines). Throws a ConfigError naming each path. The engine does not apply calendars yet (docs/calendars.md).
 */
export function checkCalendarConfig(config: object, packs = loadRulePacks()): void {
  // The parsed configuration (@sg/config) carries `calendars`; the processor's narrower config views do not name it.
  const calendars = "calendars" in config ? (config.calendars as Calendars | undefined) : undefined;
  const problems = calendarIssues(calendars, packs).map((i) => ({ path: formatPath(i.path), reason: i.message }));
  if (problems.length > 0) throw new ConfigError("Invalid calendars:", problems);
}
