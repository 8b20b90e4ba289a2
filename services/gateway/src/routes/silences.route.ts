import {
  DEFAULT_SILENCE_LIMITS,
  SilenceInput,
  SilenceInputError,
  SilenceLimitError,
  silenceReach,
  type SilenceLimits,
  type SilenceMatcher,
} from "@sg/events";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bodyBytes, refuse, requireToken, type GatewayContext } from "../http/context.js";
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
