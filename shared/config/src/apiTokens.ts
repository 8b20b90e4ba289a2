import { z } from "zod";
import { Secret, ShopPattern } from "./fields.js";

/** Tokens for the read API and canonical event intake; each token sees only its shops (alerts.md "Configuration"). */
export const ApiToken = z
  .object({
    token: Secret,
    /** `platform:shopId`, `platform:*` or `*`. */
    shops: z.array(ShopPattern).min(1),
  })
  .strict();
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokens = z.array(ApiToken);
