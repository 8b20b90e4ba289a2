import type { IndustryParams, ShopScoreInputs } from "@sg/config";
import { choiceOf, type PackSelection } from "@sg/rules";
import type { ShopOverrides } from "../engine/index.js";
import type { ScoreContext } from "./compute.js";

/** The part of the configuration an evaluation reads for one shop: its overrides and its score inputs. */
export interface ScoreConfigSource {
  /** Pack choice per platform (`latest` or a pack id). */
  packs?: PackSelection["packs"];
  shops?: Record<
    string,
    | (ShopOverrides & {
        pack?: string | undefined;
        industry?: string | undefined;
        flagship?: boolean | undefined;
        scoreInputs?: ShopScoreInputs | undefined;
      })
    | undefined
  >;
  scoreParameters?: Record<string, Record<string, IndustryParams> | undefined>;
}

/** A shop's overrides as the engine takes them, with the score's context attached. */
export function shopOverridesFor(config: ScoreConfigSource, shopKey: string): ShopOverrides {
  const shop = config.shops?.[shopKey];
  const score: ScoreContext = {};
  if (shop?.industry !== undefined) score.industry = shop.industry;
  if (shop?.flagship !== undefined) score.flagship = shop.flagship;
  if (shop?.scoreInputs !== undefined) score.inputs = shop.scoreInputs;
  if (config.scoreParameters !== undefined) score.parameters = config.scoreParameters;
  const pack = choiceOf(config, shopKey);
  return { ...(shop ?? {}), ...(pack === undefined ? {} : { pack }), score };
}
