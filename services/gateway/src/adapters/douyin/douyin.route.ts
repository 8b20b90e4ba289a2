import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { refusal, route } from "../../openapi/contract.js";
import { decodeUtf8Strict } from "../../json/lossless-json.js";
import { bodyBytes, limitBySource, refuse, type GatewayContext } from "../../http/context.js";
import { deliver } from "../deliver.js";
import { mapDouyinMessage, parseDouyinPush, verifyDouyin, type DouyinCredentials } from "./douyin.adapter.js";

/** Answer bodies (zsmhub/doudian-sdk message/doudian_message.go: SuccessResponse / FailResponse). */
const SUCCESS = { code: 0, msg: "success" };

export const DouyinHeaders = z.object({
  "app-id": z.string().describe("The app's id"),
  "event-sign": z.string().describe("md5(app_key + body + app_secret), hex"),
});
const DouyinAnswer = z.object({ code: z.number().int(), msg: z.string() });

/** Registered only when `platforms.douyin` is configured. */
export const douyinRoute = route({
  method: "post",
  path: "/webhooks/douyin",
  tag: "webhooks",
  summary: "Douyin Shop message push",
  description:
    'A JSON array of {tag, msg_id, data}. Headers app-id and event-sign = md5(app_key + body + app_secret). Answers {code:0,msg:"success"} after Kafka acknowledged. Present only when `platforms.douyin` is configured.',
  headers: DouyinHeaders,
  body: { schema: z.array(z.object({ tag: z.string(), msg_id: z.string(), data: z.string() }).catchall(z.unknown())) },
  responses: {
    "200": { description: "Stored (code 0)", body: DouyinAnswer },
    "400": refusal("Malformed push"),
    "401": { description: "Bad signature", body: DouyinAnswer },
    "413": refusal("Too large"),
    "429": refusal("Flood"),
    "500": { description: "Not stored; the platform retries", body: DouyinAnswer },
  },
});

/** `POST /webhooks/douyin` (signed push messages; see douyin.adapter.ts). */
export function registerDouyinRoute(app: FastifyInstance, ctx: GatewayContext, creds: DouyinCredentials): void {
  app.post("/webhooks/douyin", { bodyLimit: ctx.limits.bodyLimitBytes, onRequest: [limitBySource(ctx)] }, async (request, reply) => {
    const raw = bodyBytes(request);
    const header = (name: string): string | undefined => {
      const v = request.headers[name];
      return typeof v === "string" ? v : undefined;
    };
    // Verify before anything else reads the body: nothing unsigned is parsed.
    if (!verifyDouyin(raw, { appId: header("app-id"), sign: header("event-sign") }, creds)) {
      return refuse(ctx, request, reply, "bad_signature", "app-id or event-sign does not match", {
        body: { code: 40100, msg: "invalid signature" },
      });
    }
    const text = decodeUtf8Strict(raw);
    if (text === null) {
      return refuse(ctx, request, reply, "invalid_encoding", "body is not valid UTF-8", {
        body: { code: 40000, msg: "body is not valid UTF-8" },
      });
    }
    const push = parseDouyinPush(text);
    if (!push.ok) {
      const msg = push.problems.map((p) => `${p.field || "(body)"}: ${p.reason}`).join("; ");
      return refuse(ctx, request, reply, "malformed_json", msg, { body: { code: 40000, msg, problems: push.problems } });
    }
    // An exact replay of a push already produced: success, without producing it again.
    const replayKey = `douyin:${createHash("sha256").update(raw).digest("hex")}`;
    if (ctx.replays.seen(replayKey)) {
      ctx.metrics.platformMessages.inc({ source: "douyin", outcome: "replayed" }, push.messages.length);
      return reply.send(SUCCESS);
    }
    const receivedAt = ctx.now();
    const received = push.messages.map((m) => ({
      outcome: mapDouyinMessage(m, receivedAt),
      messageId: m.msgId,
      payload: JSON.stringify({ tag: m.tag, msg_id: m.msgId, data: m.rawData }),
    }));
    try {
      await deliver(ctx, "douyin", received);
    } catch (err) {
      request.log.error({ err, route: "/webhooks/douyin" }, "produce failed; asking Douyin to retry");
      // A non-zero code makes the platform redeliver.
      return reply.code(500).header("retry-after", "1").send({ code: 1, msg: "fail: not stored, retry" });
    }
    ctx.replays.remember(replayKey);
    return reply.send(SUCCESS);
  });
}
