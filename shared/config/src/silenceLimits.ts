import { DEFAULT_SILENCE_LIMITS, MAX_ACTIVE_SILENCES, MAX_SILENCE_COMMENT_BYTES, MAX_SILENCE_MATCHERS } from "@sg/events";
import { z } from "zod";

/**
 * What one API token may hold in silences (`POST /v1/silences`): active and future silences (over it: 429),
 * matchers per silence and comment bytes (over them: 400). Each answer names the limit it hit.
 */
const fields = {
  maxActive: z.number().int().min(0).max(MAX_ACTIVE_SILENCES),
  maxMatchers: z.number().int().min(1).max(MAX_SILENCE_MATCHERS),
  maxCommentBytes: z.number().int().min(0).max(MAX_SILENCE_COMMENT_BYTES),
};

/** The top-level `silenceLimits`: every token's limits, each defaulting to `DEFAULT_SILENCE_LIMITS`. */
export const SilenceLimits = z
  .object({
    maxActive: fields.maxActive.default(DEFAULT_SILENCE_LIMITS.maxActive),
    maxMatchers: fields.maxMatchers.default(DEFAULT_SILENCE_LIMITS.maxMatchers),
    maxCommentBytes: fields.maxCommentBytes.default(DEFAULT_SILENCE_LIMITS.maxCommentBytes),
  })
  .strict();

/** `apiTokens[i].silenceLimits`: one token's own limits, over the top-level ones. */
export const TokenSilenceLimits = z.object(fields).partial().strict();
