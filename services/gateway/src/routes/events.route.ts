import { CanonicalEvent, eventTimeRefusal, parseEvent, shopKey, toMillis } from "@sg/events";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { RETRY_AFTER, TOKEN_REFUSALS, refusal, route } from "../openapi/contract.js";
import type { TokenScope } from "../http/auth.js";
import { bodyBytes, refuse, requireToken, type GatewayContext, type Limits } from "../http/context.js";
import type { ShopRef } from "../ports.js";
import { secondsToNextShanghaiDay } from "../quota/quota-day.js";
import { decodeUtf8Strict, tryParseLosslessJson } from "../json/lossless-json.js";

export interface IndexedProblem {
  /** Position in the request's array (0 for a single event). */
  index: number;
  field: string;
  reason: string;
}

export const EventsAccepted = z.object({ accepted: z.number().int(), ids: z.array(z.string()) });

/** The contract of `POST /v1/events`: one event or an array of them, each parsed by the catalog's `CanonicalEvent`. */
export function eventRoutes(limits: Limits) {
  return [
    route({
      method: "post",
      path: "/v1/events",
      tag: "intake",
      summary: "Canonical event intake",
      description: `One event or an array of up to ${limits.maxEvents}, at most ${limits.bodyLimitBytes} bytes. All or nothing: 202 only after Kafka acknowledged every event (acks=all); any invalid event refuses the whole request, listing each index, field and reason. Events older than the retention (90 days) or more than 5 minutes ahead are invalid (field at).`,
      security: "bearer",
      body: { schema: z.union([CanonicalEvent, z.array(CanonicalEvent).min(1).max(limits.maxEvents)]) },
      responses: {
        "202": { description: "Stored in Kafka", body: EventsAccepted },
        "400": refusal("Malformed JSON, not UTF-8, or invalid events (problems lists index, field, reason)"),
        ...TOKEN_REFUSALS,
        "413": refusal(`Body over ${limits.bodyLimitBytes} bytes or more than ${limits.maxEvents} events`),
        "429": refusal(
          "Too many requests (see Retry-After), or quota_exceeded: a new shop beyond the token's newShopsPerDay (quota, limit, used, and the events' index and field; Retry-After is the next Asia/Shanghai midnight)",
          RETRY_AFTER,
        ),
        "503": refusal("Kafka did not acknowledge; nothing was stored, resend", RETRY_AFTER),
      },
    }),
  ];
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

    const shops = distinctShops(events);
    if (scope !== null) {
      const beyond = await newShopsBeyondQuota(ctx, scope, shops, nowMs);
      if (beyond !== null) {
        const fresh = new Set(beyond.fresh.map(shopKey));
        const limit = scope.newShopsPerDay;
        return refuse(
          ctx,
          request,
          reply,
          "quota_exceeded",
          `quota newShopsPerDay reached: this token may create ${limit} new shops a day (Asia/Shanghai), ${beyond.used} already today; nothing was accepted`,
          {
            headers: { "retry-after": String(secondsToNextShanghaiDay(nowMs)) },
            fields: {
              quota: "newShopsPerDay",
              limit,
              used: beyond.used,
              problems: events.flatMap((e, index) =>
                fresh.has(shopKey(e)) ? [{ index, field: "shopId", reason: `a new shop beyond the quota newShopsPerDay (${limit})` }] : [],
              ),
            },
          },
        );
      }
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
    await ctx.newShops?.remember(shops);
    return reply.code(202).send({ accepted: events.length, ids: events.map((e) => e.id) });
  });
}

function distinctShops(events: readonly CanonicalEvent[]): ShopRef[] {
  const byKey = new Map<string, ShopRef>();
  for (const e of events) byKey.set(shopKey(e), { platform: e.platform, shopId: e.shopId });
  return [...byKey.values()];
}

/**
 * The shops a `*` or `platform:*` token would create beyond its quota of new shops per day, or null when the
 * request is within it. Shops the token lists by name were configured, so they never count.
 */
async function newShopsBeyondQuota(
  ctx: GatewayContext,
  scope: TokenScope,
  shops: readonly ShopRef[],
  nowMs: number,
): Promise<{ used: number; fresh: ShopRef[] } | null> {
  if (ctx.newShops === undefined) return null;
  const counted = shops.filter((s) => !scope.lists(s.platform, s.shopId));
  const r = await ctx.newShops.admit(scope.fingerprint, scope.newShopsPerDay, counted, nowMs);
  if (r.ok === "unchecked") {
    ctx.metrics.quotaUnchecked.inc({ quota: "new_shops_per_day" });
    return null;
  }
  if (r.ok) return null;
  ctx.metrics.quotaReached.inc({ quota: "new_shops_per_day" });
  return r;
}
