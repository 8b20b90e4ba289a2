import { z } from "zod";

/** Field schemas shared by the sections of the ScoreGuard config. Their messages never quote the value. */

// The platforms of the canonical event catalog, defined once in @sg/events.
import { PLATFORMS } from "@sg/events";
export { PLATFORMS, Platform } from "@sg/events";

/** Message language (alerts.md "Message content": zh-CN by default, English optional). */
export const Language = z.enum(["zh-CN", "en"]);
export type Language = z.infer<typeof Language>;

export const NonEmpty = z.string().min(1);

/** A credential. Only its presence and type are checked, so no error ever needs to show it. */
export const Secret = z.string().min(1);

function urlWith(protocols: readonly string[], message: string) {
  return z.string().refine((s) => {
    try {
      return protocols.includes(new URL(s).protocol);
    } catch {
      return false; // unparsable: reported as the refinement's message
    }
  }, message);
}

/** Any http(s) URL: tests point receivers at local servers (alerts.md "Configuration"). */
export const HttpUrl = urlWith(["http:", "https:"], "must be an http:// or https:// URL");
/** The PDD message push is a websocket (`wss://…`; `ws://` for local tests). */
export const WsUrl = urlWith(["ws:", "wss:"], "must be a ws:// or wss:// URL");

/** A mobile number to @-mention (DingTalk `atMobiles`, WeCom `mentioned_mobile_list`): digits, optional `+` and dashes. */
export const Mobile = z.string().regex(/^\+?\d[\d-]{3,19}$/, "must be a mobile number (digits, optional + and -)");

/** Metric names are the rule pack's snake_case names, e.g. `human_reply_3min_rate` (metrics.md). */
export const MetricName = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a metric name in snake_case, e.g. human_reply_3min_rate");

const SHOP_ID = "[^\\s*]{1,64}"; // events.md envelope: shopId is 1..64 characters
const PLATFORM_ALT = PLATFORMS.join("|");

/** `platform:shopId`, the shop's identity everywhere (Kafka key, Redis hash tag). */
export const ShopKey = z
  .string()
  .regex(new RegExp(`^(?:${PLATFORM_ALT}):${SHOP_ID}$`), `must be platform:shopId with platform one of ${PLATFORMS.join(", ")}`);

/** What an API token may see: `*`, `platform:*` or `platform:shopId`. */
export const ShopPattern = z
  .string()
  .regex(
    new RegExp(`^(?:\\*|(?:${PLATFORM_ALT}):(?:\\*|${SHOP_ID}))$`),
    `must be "*", "platform:*" or "platform:shopId" with platform one of ${PLATFORMS.join(", ")}`,
  );
