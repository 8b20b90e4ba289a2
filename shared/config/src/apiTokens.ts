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
  })
  .strict();
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokens = z.array(ApiToken);
