import { EVENT_TYPES, PLATFORMS } from "@sg/events";
import { ALERT_KINDS, MATCHER_NAMES, SEVERITIES } from "@sg/events";
import type { FastifyInstance } from "fastify";
import type { Limits } from "../http/context.js";

const json = (schema: object) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const refusal = (description: string) => ({ description, content: json(ref("Refusal")) });

/** The OpenAPI 3.1 document served at `/openapi.json`. */
export function openApiDocument(limits: Limits): object {
  const tokenRefusals = {
    "401": refusal("No token, or an unknown one"),
    "403": refusal("The token does not list the shop"),
    "429": refusal("Too many requests for this token, or too many failed authentications from this address (see Retry-After)"),
  };
  const shopParams = [
    { name: "platform", in: "path", required: true, schema: { type: "string", enum: [...PLATFORMS] } },
    { name: "shopId", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 } },
  ];
  return {
    openapi: "3.1.0",
    info: {
      title: "ScoreGuard gateway",
      version: "1.0.0",
      description:
        "Canonical event intake, platform webhooks, and the read API. Events: shared/spec/events.md. " +
        "Every refusal answers JSON naming its reason, and is counted as sg_gateway_refusals_total{route,reason} in /metrics, which the ops port serves (GATEWAY_OPS_PORT, loopback by default), not this one.",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A token from `apiTokens` in the configuration, scoped to shops" },
      },
      schemas: {
        CanonicalEvent: {
          type: "object",
          description: "One canonical event (events.md); each type adds its own fields",
          required: ["id", "type", "platform", "shopId", "at"],
          properties: {
            id: { type: "string", minLength: 1, maxLength: 128 },
            type: { type: "string", enum: EVENT_TYPES },
            platform: { type: "string", enum: [...PLATFORMS] },
            shopId: { type: "string", minLength: 1, maxLength: 64 },
            at: {
              oneOf: [
                { type: "string", format: "date-time" },
                { type: "integer", minimum: 0 },
              ],
            },
          },
          additionalProperties: true,
        },
        Problem: {
          type: "object",
          required: ["field", "reason"],
          properties: { index: { type: ["integer", "null"] }, field: { type: "string" }, reason: { type: "string" } },
        },
        Refusal: {
          type: "object",
          required: ["error", "message"],
          properties: {
            error: { type: "string", description: "The refusal reason, e.g. invalid_event, forbidden, rate_limited" },
            message: { type: "string" },
            problems: { type: "array", items: ref("Problem") },
          },
        },
        ShopSnapshot: {
          type: "object",
          description: "One shop entry of replay's output (events.md), live",
          required: ["platform", "shopId", "rulePack", "metrics", "alerts"],
          properties: {
            platform: { type: "string" },
            shopId: { type: "string" },
            rulePack: { type: "string" },
            metrics: {
              type: "object",
              additionalProperties: {
                type: "object",
                properties: {
                  value: { type: ["number", "null"] },
                  numerator: { type: "number" },
                  denominator: { type: "number" },
                  status: { type: "string", enum: ["ok", "warning", "breach", "no_data"] },
                  pending: { type: "number" },
                  headroom: { type: "number" },
                },
              },
            },
            alerts: { type: "array", items: ref("Alert") },
            scores: {
              type: "object",
              description:
                "The pack's composite score, when it declares one: total (null while incomplete), dimensions, each indicator's points and band, what is missing, the pack and its effective date",
              required: ["title", "pack", "effective", "status", "total", "dimensions", "indicators", "bonuses", "deductions", "missing"],
              properties: {
                title: { type: "string" },
                pack: { type: "string" },
                effective: { type: "string", description: "YYYY-MM-DD" },
                status: { type: "string", enum: ["complete", "incomplete", "fixed"] },
                total: { type: ["number", "null"] },
                stars: { type: ["number", "null"] },
                dimensions: { type: "object", additionalProperties: { type: "object" } },
                indicators: { type: "object", additionalProperties: { type: "object" } },
                bonuses: { type: "number" },
                deductions: { type: "number" },
                missing: { type: "array", items: { type: "string" } },
                sample: { type: "boolean", description: "computed with parameters labelled as a sample, not the platform's" },
                lines: { type: "object", description: "the shop's scoreLines (total, stars): score alerts fire below them" },
                headroom: {
                  type: "object",
                  description:
                    "complete scores: band, the fewest further bad items on one indicator that drop it a band; line, the fewest that take the total below the shop's line (items 0 when below)",
                },
              },
            },
          },
        },
        Alert: {
          type: "object",
          properties: {
            metric: { type: "string" },
            kind: { type: "string", enum: [...ALERT_KINDS] },
            severity: { type: "string", enum: [...SEVERITIES] },
            status: { type: "string", enum: ["firing"] },
          },
        },
        Matcher: {
          type: "object",
          required: ["name", "value"],
          properties: { name: { type: "string", enum: [...MATCHER_NAMES] }, value: { type: "string" }, isRegex: { type: "boolean" } },
          additionalProperties: false,
        },
        SilenceInput: {
          type: "object",
          required: ["matchers", "endsAt"],
          properties: {
            matchers: { type: "array", minItems: 1, maxItems: 16, items: ref("Matcher") },
            startsAt: { type: "string", format: "date-time" },
            endsAt: { type: "string", format: "date-time" },
            createdBy: { type: "string" },
            comment: { type: "string", description: "At most `silenceLimits.maxCommentBytes` bytes of UTF-8 (default 1024)" },
          },
          additionalProperties: false,
        },
        Silence: {
          allOf: [ref("SilenceInput"), { type: "object", required: ["id", "startsAt"], properties: { id: { type: "string" } } }],
        },
        DeliveryStatus: {
          type: "object",
          description: "The notifier's last delivery attempt to a receiver. Never carries a URL, token or secret.",
          required: ["receiver", "channel", "outcome", "code", "at", "notificationIds"],
          properties: {
            receiver: { type: "string", description: "The receiver's name in the configuration" },
            channel: { type: "string", description: "dingtalk, feishu, wecom, slack, webhook" },
            outcome: { type: "string", enum: ["ok", "retryable", "permanent", "too_large", "retry_exhausted"] },
            code: { type: "string", description: "The channel's own code, e.g. DingTalk 310000, http_503, timeout" },
            at: { type: "string", format: "date-time" },
            notificationIds: { type: "array", items: { type: "string" } },
          },
          additionalProperties: false,
        },
        DeliveryFailure: {
          type: "object",
          description: "A delivery the notifier gave up on (permanent error, too large, or retries exhausted)",
          required: ["receiver", "channel", "outcome", "code", "at", "notificationIds", "alerts"],
          properties: {
            receiver: { type: "string" },
            channel: { type: "string" },
            outcome: { type: "string", enum: ["permanent", "too_large", "retry_exhausted"] },
            code: { type: "string" },
            at: { type: "string", format: "date-time" },
            notificationIds: { type: "array", items: { type: "string" } },
            alerts: {
              type: "array",
              description: "Identities platform:shopId:metric:kind of the alerts the message carried",
              items: { type: "string" },
            },
          },
          additionalProperties: false,
        },
      },
    },
    paths: {
      "/v1/events": {
        post: {
          summary: "Canonical event intake",
          description: `One event or an array of up to ${limits.maxEvents}, at most ${limits.bodyLimitBytes} bytes. All or nothing: 202 only after Kafka acknowledged every event (acks=all); any invalid event refuses the whole request, listing each index, field and reason. Events older than the retention (90 days) or more than 5 minutes ahead are invalid (field at).`,
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: json({
              oneOf: [ref("CanonicalEvent"), { type: "array", minItems: 1, maxItems: limits.maxEvents, items: ref("CanonicalEvent") }],
            }),
          },
          responses: {
            "202": {
              description: "Stored in Kafka",
              content: json({
                type: "object",
                properties: { accepted: { type: "integer" }, ids: { type: "array", items: { type: "string" } } },
              }),
            },
            "400": refusal("Malformed JSON, not UTF-8, or invalid events (problems lists index, field, reason)"),
            ...tokenRefusals,
            "413": refusal(`Body over ${limits.bodyLimitBytes} bytes or more than ${limits.maxEvents} events`),
            "429": refusal(
              "Too many requests (see Retry-After), or quota_exceeded: a new shop beyond the token's newShopsPerDay (quota, limit, used, and the events' index and field; Retry-After is the next Asia/Shanghai midnight)",
            ),
            "503": refusal("Kafka did not acknowledge; nothing was stored, resend"),
          },
        },
      },
      "/v1/shops/{platform}/{shopId}/metrics": {
        get: {
          summary: "The shop's metrics, live",
          security: [{ bearer: [] }],
          parameters: shopParams,
          responses: {
            "200": { description: "Snapshot", content: json(ref("ShopSnapshot")) },
            ...tokenRefusals,
            "404": refusal("No events for this shop yet"),
          },
        },
      },
      "/v1/shops/{platform}/{shopId}/alerts": {
        get: {
          summary: "The shop's alerts firing now",
          security: [{ bearer: [] }],
          parameters: shopParams,
          responses: {
            "200": {
              description: "Firing alerts",
              content: json({
                type: "object",
                properties: {
                  platform: { type: "string" },
                  shopId: { type: "string" },
                  rulePack: { type: "string" },
                  alerts: { type: "array", items: ref("Alert") },
                },
              }),
            },
            ...tokenRefusals,
            "404": refusal("No events for this shop yet"),
          },
        },
      },
      "/v1/silences": {
        post: {
          summary: "Create a silence",
          description:
            "Its exact matchers must pin a platform (and shop) that the token lists, unless the token lists `*`. Bounded per token by the configuration's `silenceLimits`; `endsAt` (and `startsAt`) within one year of now.",
          security: [{ bearer: [] }],
          requestBody: { required: true, content: json(ref("SilenceInput")) },
          responses: {
            "201": { description: "Created", content: json(ref("Silence")) },
            "400": refusal(
              "Invalid silence, by field; also over the token's `silenceLimits.maxMatchers` or `maxCommentBytes`, or a `startsAt`/`endsAt` more than a year from now",
            ),
            ...tokenRefusals,
            "429": refusal(
              "Too many requests for this token (see Retry-After), or `silence_limit`: the token already holds `silenceLimits.maxActive` active or future silences (`limit`, `max`)",
            ),
          },
        },
        get: {
          summary: "Active and future silences of the token's shops",
          security: [{ bearer: [] }],
          responses: {
            "200": {
              description: "Silences",
              content: json({ type: "object", properties: { silences: { type: "array", items: ref("Silence") } } }),
            },
            ...tokenRefusals,
          },
        },
        delete: {
          summary: "Remove a silence (?id=)",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "query", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "Removed" }, ...tokenRefusals, "404": refusal("No such active silence") },
        },
      },
      "/v1/silences/{id}": {
        get: {
          summary: "One silence",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "Silence", content: json(ref("Silence")) },
            ...tokenRefusals,
            "404": refusal("No such active silence"),
          },
        },
        delete: {
          summary: "Remove a silence",
          security: [{ bearer: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "204": { description: "Removed" }, ...tokenRefusals, "404": refusal("No such active silence") },
        },
      },
      "/v1/deliveries": {
        get: {
          summary: "The notifier's delivery status",
          description:
            "The last attempt per receiver and recent failed deliveries, newest first (alerts.md: a permanent error remains visible through the API). " +
            "A token listing `*` sees every receiver and failure; any other token sees `receivers: {}` and only the failures whose alerts all belong to shops it lists.",
          security: [{ bearer: [] }],
          parameters: [
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
              description: "Most failures returned",
            },
          ],
          responses: {
            "200": {
              description: "Delivery status",
              content: json({
                type: "object",
                required: ["receivers", "failures"],
                properties: {
                  receivers: { type: "object", additionalProperties: ref("DeliveryStatus") },
                  failures: { type: "array", maxItems: 200, items: ref("DeliveryFailure") },
                },
              }),
            },
            "400": refusal("limit is not an integer from 1 to 200 (problems names limit)"),
            "401": tokenRefusals["401"],
            "429": tokenRefusals["429"],
            "503": refusal("The delivery status reader is not configured"),
          },
        },
      },
      "/webhooks/douyin": {
        post: {
          summary: "Douyin Shop message push",
          description:
            'A JSON array of {tag, msg_id, data}. Headers app-id and event-sign = md5(app_key + body + app_secret). Answers {code:0,msg:"success"} after Kafka acknowledged.',
          parameters: [
            { name: "app-id", in: "header", required: true, schema: { type: "string" } },
            { name: "event-sign", in: "header", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "Stored" },
            "400": refusal("Malformed push"),
            "401": refusal("Bad signature"),
            "413": refusal("Too large"),
            "429": refusal("Flood"),
            "500": { description: "Not stored; the platform retries" },
          },
        },
      },
      "/webhooks/kuaishou": {
        post: {
          summary: "Kuaishou Shop message push",
          description:
            "Base64 of AES/CBC/PKCS5 ciphertext (key: the Base64 message secret; zero IV). Answers {result:1} after Kafka acknowledged.",
          responses: {
            "200": { description: "Stored" },
            "400": refusal("Does not decrypt, or malformed"),
            "413": refusal("Too large"),
            "429": refusal("Flood"),
            "500": { description: "Not stored; the platform retries" },
          },
        },
      },
      "/webhooks/kuaidi100": {
        post: {
          summary: "快递100 subscription push",
          description:
            "Form fields param and sign = upper(md5(param + salt)); the query names the order and the waybill (com, nu), with ref = HMAC of them (kuaidi100CallbackUrl). A param reporting another waybill than nu is refused with 401.",
          parameters: ["platform", "shopId", "orderId", "com", "nu", "ref"].map((name) => ({
            name,
            in: "query",
            required: true,
            schema: { type: "string" },
          })),
          responses: {
            "200": { description: "Stored" },
            "400": refusal("Malformed"),
            "401": refusal("Bad signature"),
            "429": refusal("Flood"),
            "500": { description: "Not stored; the provider retries" },
          },
        },
      },
    },
  };
}

export function registerOpenApiRoute(app: FastifyInstance, limits: Limits): void {
  const doc = openApiDocument(limits);
  app.get("/openapi.json", async () => doc);
}
