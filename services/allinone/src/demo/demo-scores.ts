import { fileURLToPath } from "node:url";
import { loadScoreguardConfig, type ScoreguardConfig } from "@sg/config";

/** The sample score parameters that ship with the repository (every value made up, labelled SAMPLE). */
export const SAMPLE_SCORE_FILE = fileURLToPath(new URL("../../../../infra/scoreguard.scores-sample.yaml", import.meta.url));

/** The Douyin demo shop's score line: the at-risk score alert fires while a pickup is pending (99.4; 97.8 or 95.4 if late). */
export const DEMO_SCORE_LINE = 98;

/**
 * The pack the demo grades Douyin by. Its story (pickups within 24 h, after-sales, one consultation) and the
 * sample parameters are written for douyin@2023-06; `latest` (douyin@2026-09 since 2026-09-08) grades
 * pickups by other indicators, so the demo names this pack until its story is rewritten for the 2026 rules.
 */
export const DEMO_DOUYIN_PACK = "douyin@2023-06";

/**
 * `npm run demo`'s score configuration, added to whatever the configuration says: Douyin graded by
 * DEMO_DOUYIN_PACK, the demo's Douyin shop in the sample industry of the sample
 * parameter file (so the board and its alerts say SAMPLE), with a score line. What the configuration
 * already sets for these keys wins.
 */
export function withDemoScores(config: ScoreguardConfig, sampleFile = SAMPLE_SCORE_FILE): ScoreguardConfig {
  const sample = loadScoreguardConfig(sampleFile).scoreParameters ?? {};
  const key = "douyin:dy-tea-house";
  return {
    ...config,
    packs: { ...config.packs, douyin: config.packs?.douyin ?? DEMO_DOUYIN_PACK },
    scoreParameters: { ...sample, ...config.scoreParameters },
    shops: {
      ...config.shops,
      [key]: { industry: "sample_industry", scoreLines: { total: DEMO_SCORE_LINE }, ...config.shops[key] },
    },
  };
}
