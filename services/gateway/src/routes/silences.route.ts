import {
  DEFAULT_SILENCE_LIMITS,
  Silence,
  SilenceInput,
  SilenceInputError,
  SilenceLimitError,
  silenceReach,
  type SilenceLimits,
  type SilenceMatcher,
} from "@sg/events";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { bodyBytes, refuse, requireToken, type GatewayContext } from "../http/context.js";
import { RETRY_AFTER, TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";
import type { TokenScope } from "../http/auth.js";
import { decodeUtf8Strict, tryParseLosslessJson } from "../json/lossless-json.js";

/**
 * A token may create, see and remove only silences pinned to shops it lists (or `platform:*`, or `*`), by
 * `silenceReach` of @sg/events: the very reading the notifier matches with and the store indexes by.
 */
function covers(scope: TokenScope | null, matchers: readonly SilenceMatcher[]): boolean {
  if (scope === null) return false;
  if (scope.all) return true;
  const r = silenceReach(matchers);
  if (r === null) return false;
  return r.shopId === undefined ? scope.allowsPlatform(r.platform) : scope.allows(r.platform, r.shopId);
}

export const SilenceIdParams = z.object({ id: z.string().min(1) });
export const SilenceIdQuery = z.object({ id: z.string().min(1).describe("The silence to remove") });
export const SilenceList = z.object({ silences: z.array(Silence) });
const NO_SUCH = refusal("No such active silence (error not_found)");

export const silenceRoutes = [
  route({
    method: "post",
    path: "/v1/silences",
    tag: "silences",
    summary: "Create a silence",
    description:
      "Its exact matchers must pin a platform (and shop) that the token lists, unless the token lists `*`. Bounded per token by the configuration's `silenceLimits`; `endsAt` (and `startsAt`) within one year of now. `comment`: at most `silenceLimits.maxCommentBytes` bytes of UTF-8 (default 1024).",
    security: "bearer",
    body: { schema: SilenceInput },
    responses: {
      "201": { description: "Created", body: Silence },
      "400": refusal(
        "Invalid silence, by field; also over the token's `silenceLimits.maxMatchers` or `maxCommentBytes`, or a `startsAt`/`endsAt` more than a year from now",
      ),
      ...TOKEN_REFUSALS,
      "429": refusal(
        "Too many requests for this token (see Retry-After), or `silence_limit`: the token already holds `silenceLimits.maxActive` active or future silences (`limit`, `max`)",
        RETRY_AFTER,
      ),
      "503": refusal("The silence store is not configured"),
    },
  }),
  route({
    method: "get",
    path: "/v1/silences",
    tag: "silences",
    summary: "Active and future silences of the token's shops",
    security: "bearer",
    responses: {
      "200": { description: "Silences", body: SilenceList },
      ...TOKEN_REFUSALS,
      "503": refusal("The silence store is not configured"),
    },
  }),
  route({
    method: "delete",
    path: "/v1/silences",
    tag: "silences",
    summary: "Remove a silence (?id=)",
    security: "bearer",
    query: SilenceIdQuery,
    responses: {
      "204": { description: "Removed" },
      "400": refusal("No id"),
      ...TOKEN_REFUSALS,
      "404": NO_SUCH,
      "503": refusal("The silence store is not configured"),
    },
  }),
  route({
    method: "get",
    path: "/v1/silences/{id}",
    tag: "silences",
    summary: "One silence",
    security: "bearer",
    params: SilenceIdParams,
    responses: {
      "200": { description: "Silence", body: Silence },
      ...TOKEN_REFUSALS,
      "404": NO_SUCH,
      "503": refusal("The silence store is not configured"),
    },
  }),
  route({
    method: "delete",
    path: "/v1/silences/{id}",
    tag: "silences",
    summary: "Remove a silence",
    security: "bearer",
    params: SilenceIdParams,
    responses: {
      "204": { description: "Removed" },
      ...TOKEN_REFUSALS,
      "404": NO_SUCH,
      "503": refusal("The silence store is not configured"),
    },
  }),
];

/** `POST`, `GET` and `DELETE /v1/silences` (alerts.md "Silences"): the silences the notifier applies, scoped by token. */
export function registerSilenceRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const opts = { onRequest: [requireToken(ctx)] };
  const store = (request: FastifyRequest, reply: FastifyReply) => {
    if (ctx.silences === undefined) refuse(ctx, request, reply, "unavailable", "the silence store is not configured");
    return ctx.silences;
  };

  app.post("/v1/silences", { ...opts, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const silences = store(request, reply);
    if (silences === undefined) return reply;
    const text = decodeUtf8Strict(bodyBytes(request));
    if (text === null) return refuse(ctx, request, reply, "invalid_encoding", "body is not valid UTF-8");
    const parsed = tryParseLosslessJson(text, { bigIntegers: "number", maxDepth: 8 });
    if (!parsed.ok) return refuse(ctx, request, reply, "malformed_json", `body is not JSON: ${parsed.reason}`);
    const input = SilenceInput.safeParse(parsed.value);
    if (!input.success) {
      const problems = input.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", reason: i.message }));
      return refuse(ctx, request, reply, "invalid_request", "invalid silence", { fields: { problems } });
    }
    if (!covers(request.sgScope, input.data.matchers)) {
      return refuse(ctx, request, reply, "forbidden", "a silence must name, with exact matchers, a platform and shop the token lists", {
        fields: { problems: [{ field: "matchers", reason: "must pin platform (and shop) within the token's shops" }] },
      });
    }
    const scope = request.sgScope;
    const limits: SilenceLimits = { ...(ctx.config.silenceLimits ?? DEFAULT_SILENCE_LIMITS), ...scope?.silenceLimits };
    try {
      const created = await silences.create(input.data, { ...(scope === null ? {} : { owner: scope.fingerprint }), limits });
      return reply.code(201).send(created);
    } catch (err) {
      if (err instanceof SilenceLimitError) {
        return refuse(ctx, request, reply, "silence_limit", err.message, { fields: { limit: err.limit, max: err.max } });
      }
      if (!(err instanceof SilenceInputError)) throw err;
      return refuse(ctx, request, reply, "invalid_request", "invalid silence", { fields: { problems: err.problems } });
    }
  });

  app.get("/v1/silences", opts, async (request, reply) => {
    const silences = store(request, reply);
    if (silences === undefined) return reply;
    const scope = request.sgScope;
    if (scope === null) return reply.send({ silences: [] });
    // Through the index of the token's own shops and platforms: another tenant's silences are never read.
    const mine = await silences.listFor({ all: scope.all, platforms: scope.platforms, shops: scope.shops });
    return reply.send({ silences: mine.filter((s) => covers(scope, s.matchers)) });
  });

  const remove = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
    const silences = store(request, reply);
    if (silences === undefined) return reply;
    if (id === undefined || id === "")
      return refuse(ctx, request, reply, "invalid_request", "the silence id is required (/v1/silences/{id} or ?id=)");
    const s = await silences.get(id);
    if (s === null) return reply.code(404).send({ error: "not_found", message: `no active silence ${id}` });
    if (!covers(request.sgScope, s.matchers))
      return refuse(ctx, request, reply, "forbidden", "the token does not list the shops of this silence");
    await silences.remove(id);
    return reply.code(204).send();
  };

  app.get("/v1/silences/:id", opts, async (request, reply) => {
    const silences = store(request, reply);
    if (silences === undefined) return reply;
    const { id } = request.params as { id: string };
    const s = await silences.get(id);
    if (s === null || !covers(request.sgScope, s.matchers))
      return reply.code(404).send({ error: "not_found", message: `no active silence ${id}` });
    return reply.send(s);
  });
  app.delete("/v1/silences/:id", opts, async (request, reply) => remove(request, reply, (request.params as { id: string }).id));
  app.delete("/v1/silences", opts, async (request, reply) => remove(request, reply, (request.query as { id?: string }).id));
}
