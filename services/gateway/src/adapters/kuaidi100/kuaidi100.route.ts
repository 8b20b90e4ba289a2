import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { refusal, route } from "../../openapi/contract.js";
import { decodeUtf8Strict } from "../../json/lossless-json.js";
import { bodyBytes, limitBySource, refuse, type GatewayContext } from "../../http/context.js";
import { deliver } from "../deliver.js";
import { mapKuaidi100, verifyKuaidi100 } from "./kuaidi100.adapter.js";

/** Answer bodies (kuaidi100-api/java-demo callBackUrl: SubscribeResp). */
const SUCCESS = { result: true, returnCode: "200", message: "成功" };

export const Kuaidi100Query = z.object({
  platform: z.string(),
  shopId: z.string(),
  orderId: z.string(),
  com: z.string().describe("The carrier's code"),
  nu: z.string().describe("The waybill number"),
  ref: z.string().describe("HMAC of the other query fields (kuaidi100CallbackUrl)"),
});
const Kuaidi100Answer = z.object({ result: z.boolean(), returnCode: z.string(), message: z.string() });

/** Registered only when `platforms.kuaidi100` is configured. */
export const kuaidi100Route = route({
  method: "post",
  path: "/webhooks/kuaidi100",
  tag: "webhooks",
  summary: "快递100 subscription push",
  description:
    "Form fields param and sign = upper(md5(param + salt)); the query names the order and the waybill (com, nu), with ref = HMAC of them (kuaidi100CallbackUrl). A param reporting another waybill than nu is refused with 401. Present only when `platforms.kuaidi100` is configured.",
  query: Kuaidi100Query,
  body: {
    schema: z.object({ param: z.string().describe("The push, JSON"), sign: z.string() }),
    contentType: "application/x-www-form-urlencoded",
  },
  responses: {
    "200": { description: "Stored", body: Kuaidi100Answer },
    "400": { description: "Malformed", body: Kuaidi100Answer },
    "401": { description: "Bad signature", body: Kuaidi100Answer },
    "429": refusal("Flood"),
    "500": { description: "Not stored; the provider retries", body: Kuaidi100Answer },
  },
});

/** `POST /webhooks/kuaidi100?platform=…&shopId=…&orderId=…&ref=…`. */
export function registerKuaidi100Route(app: FastifyInstance, ctx: GatewayContext, creds: { salt: string }): void {
  app.post("/webhooks/kuaidi100", { bodyLimit: ctx.limits.bodyLimitBytes, onRequest: [limitBySource(ctx)] }, async (request, reply) => {
    const failure = (message: string) => ({ result: false, returnCode: "400", message });
    const text = decodeUtf8Strict(bodyBytes(request));
    if (text === null)
      return refuse(ctx, request, reply, "invalid_encoding", "body is not valid UTF-8", { body: failure("body is not valid UTF-8") });
    const form = new URLSearchParams(text);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const v = verifyKuaidi100(form, query, creds.salt);
    if (!v.ok)
      return refuse(ctx, request, reply, v.reason, v.message, {
        body: { ...failure(v.message), returnCode: v.reason === "bad_signature" ? "401" : "400" },
      });
    const outcome = mapKuaidi100(v.param, v.ref, ctx.now());
    try {
      await deliver(ctx, "kuaidi100", [{ outcome, payload: v.param }]);
    } catch (err) {
      request.log.error({ err, route: "/webhooks/kuaidi100" }, "produce failed; asking 快递100 to retry");
      return reply.code(500).header("retry-after", "1").send({ result: false, returnCode: "500", message: "not stored, retry" });
    }
    return reply.send(SUCCESS);
  });
}
