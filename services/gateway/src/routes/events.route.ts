import { eventTimeRefusal, parseEvent, shopKey, toMillis, type CanonicalEvent } from "@sg/events";
import type { FastifyInstance } from "fastify";
import { bodyBytes, refuse, requireToken, type GatewayContext } from "../http/context.js";
import { decodeUtf8Strict, tryParseLosslessJson } from "../json/lossless-json.js";

export interface IndexedProblem {
  /** Position in the request's array (0 for a single event). */
  index: number;
  field: string;
  reason: string;
}

/**
 * `POST /v1/events` (events.md, the canonical intake): one canonical event or an array of up to `maxEvents`, within
 * `bodyLimitBytes`. All or nothing: any invalid event refuses the whole request with 400 listing every
 * index, field and reason; a shop the token does not list refuses it with 403. 202 only after Kafka acked.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.post("/v1/events", { bodyLimit: ctx.limits.bodyLimitBytes, onRequest: [requireToken(ctx)] }, async (request, reply) => {
    const text = decodeUtf8Strict(bodyBytes(request));
    if (text === null) return refuse(ctx, request, reply, "invalid_encoding", "body is not valid UTF-8");
    // Numbers stay numbers (an id sent as a number is a wrong type, reported as such), and depth is bounded.
    const parsed = tryParseLosslessJson(text, { bigIntegers: "number", maxDepth: 32 });
    if (!parsed.ok) {
      return refuse(ctx, request, reply, "malformed_json", `body is not JSON: ${parsed.reason}`, {
        fields: { problems: [{ index: null, field: "", reason: parsed.reason }] },
      });
    }
    const doc = parsed.value;
    const items = Array.isArray(doc) ? doc : [doc];
    if (items.length === 0) {
      return refuse(ctx, request, reply, "invalid_request", "an empty array has no events", {
        fields: { problems: [{ index: null, field: "", reason: "must contain at least one event" }] },
      });
    }
    if (items.length > ctx.limits.maxEvents) {
      return refuse(ctx, request, reply, "too_many_events", `at most ${ctx.limits.maxEvents} events per request, got ${items.length}`);
    }

    const problems: IndexedProblem[] = [];
    const events: CanonicalEvent[] = [];
    const nowMs = ctx.now();
    items.forEach((item, index) => {
      const r = parseEvent(item);
      if (!r.ok) {
        for (const p of r.problems) problems.push({ index, ...p });
        return;
      }
      // The processor would dead-letter it later (older than the retention, or ahead of the clock); say so now,
      // with the same rule (@sg/events).
      const refusal = eventTimeRefusal(toMillis(r.event.at), nowMs);
      if (refusal !== null) problems.push({ index, field: "at", reason: refusal.reason });
      else events.push(r.event);
    });
    if (problems.length > 0) {
      const bad = new Set(problems.map((p) => p.index)).size;
      return refuse(ctx, request, reply, "invalid_event", `${bad} of ${items.length} events are invalid; nothing was accepted`, {
        fields: { problems },
      });
    }

    const scope = request.sgScope;
    const forbidden = events.flatMap((e, index) =>
      scope !== null && scope.allows(e.platform, e.shopId)
        ? []
        : [{ index, field: "shopId", reason: `the token does not list ${shopKey(e)}` }],
    );
    if (forbidden.length > 0) {
      return refuse(ctx, request, reply, "forbidden", "the token may not write these shops; nothing was accepted", {
        fields: { problems: forbidden },
      });
    }

    try {
      await ctx.sink.publish(events);
    } catch (err) {
      ctx.metrics.produceFailures.inc({ source: "api" });
      request.log.error({ err }, "produce failed");
      return refuse(ctx, request, reply, "unavailable", "Kafka did not acknowledge the events; nothing was accepted, resend", {
        headers: { "retry-after": "1" },
      });
    }
    ctx.metrics.eventsProduced.inc({ source: "api" }, events.length);
    return reply.code(202).send({ accepted: events.length, ids: events.map((e) => e.id) });
  });
}
