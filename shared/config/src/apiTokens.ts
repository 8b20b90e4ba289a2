import { z } from "zod";
import { Secret, ShopPattern } from "./fields.js";
import { TokenSilenceLimits } from "./silenceLimits.js";

/** Tokens for the read API and canonical event intake; each token sees only its shops (alerts.md "Configuration"). */
export const ApiToken = z
  .object({
    token: Secret,
    /** `platform:shopId`, `platform:*` or `*`. */
    shops: z.array(ShopPattern).min(1),
    /** This token's silence limits, over the top-level `silenceLimits`. */
    silenceLimits: TokenSilenceLimits.optional(),
    /**
     * Most shops this token may create per day (Asia/Shanghai) through `*` or `platform:*`; an event for one
     * more is refused with 429. Default 500 (the gateway's `DEFAULT_NEW_SHOPS_PER_DAY`); shops listed by name
     * never count.
     */
    newShopsPerDay: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokens = z.array(ApiToken);
