import { DEFAULT_SHOP_LIVE_ENTITIES } from "@sg/config";
import type { PackSelection } from "@sg/rules";
import type { ScoreConfigSource } from "./scores/context.js";

/** The configuration the processor reads: per-shop overrides, quotas, pack choices and score parameters. */
export interface ShopConfigSource extends ScoreConfigSource, PackSelection {
  shops?: Record<string, (NonNullable<ScoreConfigSource["shops"]>[string] & { liveEntities?: number }) | undefined>;
  quotas?: { shopLiveEntities?: number };
}

/** A shop's live-entity quota: its own setting, else the configuration's, else the default. */
export function liveEntityLimit(config: ShopConfigSource, shopKey: string): number {
  return config.shops?.[shopKey]?.liveEntities ?? config.quotas?.shopLiveEntities ?? DEFAULT_SHOP_LIVE_ENTITIES;
}
