import { PLATFORMS, type Platform } from "./catalog.js";

/**
 * A shop is identified by its platform and its id on that platform: one typed value, one encoding.
 * The text form is `platform:shopId`. It is unambiguous although shop ids may contain `:`, because a
 * platform name never does: the text is split at its first `:` only.
 */
export interface ShopRef {
  platform: Platform;
  shopId: string;
}

/** The text form of a shop: `platform:shopId` (also the Kafka key of its events). */
export function shopKey(s: { platform: string; shopId: string }): string {
  return `${s.platform}:${s.shopId}`;
}

/** Reads `platform:shopId` back; null when the text does not start with a known platform and `:`, or the id is empty. */
export function parseShopKey(text: string): ShopRef | null {
  const i = text.indexOf(":");
  if (i <= 0) return null;
  const platform = text.slice(0, i);
  const shopId = text.slice(i + 1);
  if (shopId === "" || !(PLATFORMS as readonly string[]).includes(platform)) return null;
  return { platform: platform as Platform, shopId };
}

/**
 * What a written shop name (a silence's `shop` matcher, a route's `match.shop`) names. A value that starts
 * with a known platform and `:` is a full shop key: `douyin:77` is Douyin's shop 77, never another
 * platform's shop whose id is literally `douyin:77` (that one is `kuaishou:douyin:77`). Any other value is a
 * bare shop id, on any platform unless something else pins the platform.
 */
export function shopNameTarget(value: string): { platform?: Platform; shopId: string } {
  return parseShopKey(value) ?? { shopId: value };
}

/** True when the written shop name `value` names this shop. */
export function namesShop(value: string, shop: { platform: string; shopId: string }): boolean {
  const target = shopNameTarget(value);
  return target.shopId === shop.shopId && (target.platform === undefined || target.platform === shop.platform);
}
