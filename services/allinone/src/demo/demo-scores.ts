import { fileURLToPath } from "node:url";
import { loadScoreguardConfig, PLATFORMS, type ScoreguardConfig } from "@sg/config";

/** The sample score parameters that ship with the repository (every value made up, labelled SAMPLE). */
export const SAMPLE_SCORE_FILE = fileURLToPath(new URL("../../../../infra/scoreguard.scores-sample.yaml", import.meta.url));

/** The Douyin demo shop. */
export const DEMO_DOUYIN_SHOP = "douyin:dy-tea-house";

/**
 * The Douyin demo shop's score line. Below 30 valid paid orders in 30 days Douyin fixes the score at 70, or 60
 * with violations (rules-2026.md "Eligibility"); with 30 the score is the dimensions read from the backend
 * plus bonuses minus deductions: 88 with DEMO_SCORE_INPUTS. A line of 85 sits between the two.
 */
export const DEMO_SCORE_LINE = 85;

/**
 * What the demo shop's backend shows, as `shops[key].scoreInputs` (SAMPLE values, like the parameter table
 * they are read with): from 2026-09-08 Douyin does not publish how a dimension is scored, so a merchant copies
 * each dimension's score from the backend, with the bonuses granted and the deductions of the last 30 days.
 * With the sample table's dimension weights 40/20/40: 92×0.4 + 85×0.2 + 88×0.4 = 89, + 2 (运费险) − 3
 * (影响消费者体验) = 88.
 */
export const DEMO_SCORE_INPUTS = {
  dimensions: { goods: 92, logistics: 85, service: 88 },
  bonuses: { freight_insurance: true },
  deductions: { consumer_harm: 3 },
} as const;

/** The Pinduoduo demo shop. */
export const DEMO_PDD_SHOP = "pdd:pdd-fruit-farm";

/**
 * The Pinduoduo demo shop's next-star standards, as `scoreParameters["pdd@2026"].sample_industry` (SAMPLE
 * values, made up to show the form: Pinduoduo shows each shop its own standards in the backend). pdd@2026's
 * weights, bands and star lines are unpublished and none is given here, so the shop's score stays
 * `incomplete` and has no total to alert on; what it reports is each computed indicator against its
 * standard, which is what the backend itself shows a Pinduoduo merchant.
 */
export const DEMO_PDD_PARAMETERS = {
  sample: true,
  source: "SAMPLE: made-up next-star standards showing the form",
  nextStar: { stars: 4.6, standards: { in_transit_refund_hours: 12, platform_help_rate: 0.05 } },
} as const;

/**
 * `npm run demo`'s score configuration, added to whatever the configuration says: every platform graded by
 * `latest` (the newest pack in force on the day, as the platforms grade today), the demo's Douyin shop in the
 * sample industry of the sample parameter file (so the board and its alerts say SAMPLE), with the sample
 * backend inputs and a score line. What the configuration already sets for these keys wins.
 */
export function withDemoScores(config: ScoreguardConfig, sampleFile = SAMPLE_SCORE_FILE): ScoreguardConfig {
  const sample = loadScoreguardConfig(sampleFile).scoreParameters ?? {};
  const latest = Object.fromEntries(PLATFORMS.map((p) => [p, "latest"]));
  return {
    ...config,
    packs: { ...latest, ...config.packs },
    scoreParameters: {
      ...sample,
      "pdd@2026": { sample_industry: structuredClone(DEMO_PDD_PARAMETERS), ...sample["pdd@2026"] },
      ...config.scoreParameters,
    },
    shops: {
      ...config.shops,
      [DEMO_DOUYIN_SHOP]: {
        industry: "sample_industry",
        flagship: false,
        scoreInputs: structuredClone(DEMO_SCORE_INPUTS),
        scoreLines: { total: DEMO_SCORE_LINE },
        ...config.shops[DEMO_DOUYIN_SHOP],
      },
      [DEMO_PDD_SHOP]: { industry: "sample_industry", ...config.shops[DEMO_PDD_SHOP] },
    },
  };
}
