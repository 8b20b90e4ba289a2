import type { FastifyInstance } from "fastify";
import { bodyBytes, limitBySource, refuse, type GatewayContext } from "../../http/context.js";
import { deliver } from "../deliver.js";
import { KuaishouDecryptError, decryptKuaishou, kuaishouKey, mapKuaishouMessage, parseKuaishouMessage } from "./kuaishou.adapter.js";

/** `POST /webhooks/kuaishou` The body is Base64 ciphertext; decrypting it is the authentication. */
export function registerKuaishouRoute(app: FastifyInstance, ctx: GatewayContext, creds: { messageSecret: string; appKey?: string }): void {
  const key = kuaishouKey(creds.messageSecret);
  app.post("/webhooks/kuaishou", { bodyLimit: ctx.limits.bodyLimitBytes, onRequest: [limitBySource(ctx)] }, async (request, reply) => {
    const raw = bodyBytes(request);
    let plaintext: string;
    try {
      // Base64 is ASCII: latin1 keeps every byte, and a non-ASCII byte fails the Base64 check.
      plaintext = decryptKuaishou(raw.toString("latin1"), key);
    } catch (err) {
      if (!(err instanceof KuaishouDecryptError)) throw err;
      return refuse(ctx, request, reply, "decrypt_failed", err.message, { body: { result: 0, error: "decrypt_failed", message: err.message } });
    }
    const parsed = parseKuaishouMessage(plaintext);
    if (!parsed.ok) {
      const message = parsed.problems.map((p) => `${p.field || "(body)"}: ${p.reason}`).join("; ");
      return refuse(ctx, request, reply, "malformed_json", message, {
        body: { result: 0, error: "malformed_json", message, problems: parsed.problems },
      });
    }
    const appKey = parsed.message.envelope.appKey;
    if (creds.appKey !== undefined && typeof appKey === "string" && appKey !== creds.appKey) {
      // Decrypted with our secret but addressed to another app: refuse rather than attribute it to our shops.
      return refuse(ctx, request, reply, "bad_signature", "the message is for another appKey", { body: { result: 0, error: "bad_signature" } });
    }
    const outcome = mapKuaishouMessage(parsed.message, ctx.now());
    try {
      await deliver(ctx, "kuaishou", [{ outcome, messageId: parsed.message.id, payload: plaintext }]);
    } catch (err) {
      request.log.error({ err, route: "/webhooks/kuaishou" }, "produce failed; asking Kuaishou to retry");
      return reply.code(500).send({ result: 0 });
    }
    return reply.send({ result: 1 });
  });
}
