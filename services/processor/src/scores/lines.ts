import type { ScoreLines } from "@sg/config";
import { resolvePack, type PackSelection, type RulePack, type ScoreConfigIssue } from "@sg/rules";

/** The part of the configuration that sets score lines (`scoreLines`, `shops[key].scoreLines`). */
export interface ScoreLinesView extends PackSelection {
  scoreLines?: Partial<Record<string, ScoreLines | undefined>> | undefined;
  shops?: Record<string, { pack?: string | undefined; scoreLines?: ScoreLines | undefined } | undefined>;
}

/**
 * Score lines that cannot be evaluated, each naming its path: a star line for a platform or shop whose
 * pack (as chosen for today) shows no stars.
 */
export function scoreLineIssues(config: ScoreLinesView, packs: Map<string, RulePack>, today: string): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  const check = (path: (string | number)[], lines: ScoreLines | undefined, shopKey: string) => {
    if (typeof lines?.stars !== "number") return;
    const pack = resolvePack(config, shopKey, today, packs);
    if (!pack.score?.stars)
      issues.push({ path: [...path, "stars"], message: `rule pack ${pack.id} shows no stars; set a total line instead` });
  };
  for (const [platform, lines] of Object.entries(config.scoreLines ?? {})) check(["scoreLines", platform], lines, `${platform}:`);
  for (const [key, shop] of Object.entries(config.shops ?? {}))
    if (key.includes(":")) check(["shops", key, "scoreLines"], shop?.scoreLines, key);
  return issues;
}
