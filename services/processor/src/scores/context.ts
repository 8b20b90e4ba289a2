import type { Calendars, IndustryParams, ScoreLines, ShopScoreInputs } from "@sg/config";
import { parseShopKey } from "@sg/events";
import { shopCalendar } from "../engine/calendar-entries.js";
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
        scoreLines?: ScoreLines | undefined;
        scoreCalibration?: boolean | undefined;
      })
    | undefined
  >;
  scoreParameters?: Record<string, Record<string, IndustryParams> | undefined>;
  /** Per platform; a shop's `scoreLines` override them line by line (`null`: none for the shop). */
  scoreLines?: Partial<Record<string, ScoreLines | undefined>> | undefined;
  /** Per platform: calibrate observed dimensions from the platform's figures; a shop's `scoreCalibration` wins. */
  scoreCalibration?: Partial<Record<string, boolean | undefined>> | undefined;
  /** Holidays, promotions and announced exemptions (docs/calendars.md). */
  calendars?: Calendars | undefined;
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
  const lines = scoreLinesFor(config, shopKey);
  if (lines !== undefined) score.lines = lines;
  if (calibrationOptedIn(config, shopKey)) score.calibrate = true;
  const ref = parseShopKey(shopKey);
  const calendar = ref === null ? undefined : shopCalendar(config.calendars, ref.platform, ref.shopId);
  return { ...(shop ?? {}), ...(pack === undefined ? {} : { pack }), score, ...(calendar === undefined ? {} : { calendar }) };
}

/** The shop's score lines: its own over its platform's, line by line; `null` removes a line. */
export function scoreLinesFor(config: ScoreConfigSource, shopKey: string): { total?: number; stars?: number } | undefined {
  const platform = shopKey.slice(0, shopKey.indexOf(":"));
  const merged = { ...config.scoreLines?.[platform], ...config.shops?.[shopKey]?.scoreLines };
  const out: { total?: number; stars?: number } = {};
  if (typeof merged.total === "number") out.total = merged.total;
  if (typeof merged.stars === "number") out.stars = merged.stars;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Whether the shop's observed dimensions start from the platform's figures: its own choice, else its platform's; default off. */
export function calibrationOptedIn(config: ScoreConfigSource, shopKey: string): boolean {
  const platform = shopKey.slice(0, shopKey.indexOf(":"));
  return config.shops?.[shopKey]?.scoreCalibration ?? config.scoreCalibration?.[platform] ?? false;
}
