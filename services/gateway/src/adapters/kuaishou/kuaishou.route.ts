import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { refusal, route } from "../../openapi/contract.js";
import { bodyBytes, limitBySource, refuse, type GatewayContext } from "../../http/context.js";
import { deliver } from "../deliver.js";
import { kuaishouKey, mapKuaishouMessage, openKuaishouMessage } from "./kuaishou.adapter.js";

/** The single answer to any body that does not open: no detail, so it cannot serve as a padding oracle. */
const DECRYPT_FAILED = "the body is not a Kuaishou message encrypted with the configured message secret";
const DECRYPT_FAILED_BODY = Object.freeze({ result: 0, error: "decrypt_failed", message: DECRYPT_FAILED });

const KuaishouAnswer = z.object({ result: z.number().int() }).catchall(z.unknown());

/** Registered only when `platforms.kuaishou` is configured. */
export const kuaishouRoute = route({
  method: "post",
  path: "/webhooks/kuaishou",
  tag: "webhooks",
  summary: "Kuaishou Shop message push",
  description:
    "Base64 of AES/CBC/PKCS5 ciphertext (key: the Base64 message secret; zero IV). Answers {result:1} after Kafka acknowledged. Present only when `platforms.kuaishou` is configured.",
  body: { schema: z.string().describe("Base64 ciphertext"), contentType: "text/plain" },
  responses: {
    "200": { description: "Stored (result 1)", body: KuaishouAnswer },
    "400": { description: "Does not decrypt, or malformed (one answer for every such body)", body: KuaishouAnswer },
    "401": { description: "Decrypted, but addressed to another appKey", body: KuaishouAnswer },
    "413": refusal("Too large"),
    "429": refusal("Flood"),
    "500": { description: "Not stored; the platform retries", body: KuaishouAnswer },
  },
});

/** `POST /webhooks/kuaishou` The body is Base64 ciphertext; decrypting it is the authentication. */
export function registerKuaishouRoute(app: FastifyInstance, ctx: GatewayContext, creds: { messageSecret: string; appKey?: string }): void {
  const key = kuaishouKey(creds.messageSecret);
  app.post("/webhooks/kuaishou", { bodyLimit: ctx.limits.bodyLimitBytes, onRequest: [limitBySource(ctx)] }, async (request, reply) => {
    const raw = bodyBytes(request);
    // Base64 is ASCII: latin1 keeps every byte, and a non-ASCII byte fails the Base64 check.
    const opened = openKuaishouMessage(raw.toString("latin1"), key);
    if (!opened.ok) {
      // One answer for every failure: the reason goes to the log, never to the sender.
      request.log.warn({ route: "/webhooks/kuaishou", why: opened.why }, "kuaishou push not opened");
      return refuse(ctx, request, reply, "decrypt_failed", DECRYPT_FAILED, { body: DECRYPT_FAILED_BODY });
    }
    const parsed = opened;
    const plaintext = opened.plaintext;
    const appKey = parsed.message.envelope.appKey;
    if (creds.appKey !== undefined && typeof appKey === "string" && appKey !== creds.appKey) {
      // Decrypted with our secret but addressed to another app: refuse rather than attribute it to our shops.
      return refuse(ctx, request, reply, "bad_signature", "the message is for another appKey", {
        body: { result: 0, error: "bad_signature" },
      });
    }
    const outcome = mapKuaishouMessage(parsed.message, ctx.now());
    try {
      await deliver(ctx, "kuaishou", [{ outcome, messageId: parsed.message.id, payload: plaintext }]);
    } catch (err) {
      request.log.error({ err, route: "/webhooks/kuaishou" }, "produce failed; asking Kuaishou to retry");
      return reply.code(500).header("retry-after", "1").send({ result: 0 });
    }
    return reply.send({ result: 1 });
  });
}
