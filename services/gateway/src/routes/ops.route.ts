import type { FastifyInstance } from "fastify";
import type { Registry } from "prom-client";

/** `/metrics` (Prometheus text from the shared registry), `/livez`, `/readyz`, as on every service. */
export function registerOpsRoutes(app: FastifyInstance, registry: Registry, ready: () => Promise<boolean>): void {
  app.get("/metrics", async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  app.get("/livez", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const ok = await ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? "ready" : "not_ready" });
  });
}
