import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Limits } from "../http/context.js";
import { NAMED_SCHEMAS } from "../openapi/components.js";
import { route } from "../openapi/contract.js";
import { openApiDocument } from "../openapi/document.js";
import { routeContracts } from "../openapi/routes.js";

export const openApiRoute = route({
  method: "get",
  path: "/openapi.json",
  tag: "meta",
  summary: "This document",
  responses: { "200": { description: "OpenAPI 3.1", body: z.record(z.string(), z.unknown()) } },
});

/** The OpenAPI 3.1 document served at `/openapi.json`, generated from the routes' zod schemas. */
export function gatewayOpenApi(limits: Limits): Record<string, unknown> {
  return openApiDocument(
    {
      title: "ScoreGuard gateway",
      version: "1.0.0",
      description:
        "Canonical event intake, platform webhooks, the read API and the board. Events: shared/spec/events.md. " +
        "Every refusal answers JSON naming its reason, and is counted as sg_gateway_refusals_total{route,reason} in /metrics, which the ops port serves (GATEWAY_OPS_PORT, loopback by default), not this one.",
    },
    routeContracts(limits),
    NAMED_SCHEMAS,
  );
}

export function registerOpenApiRoute(app: FastifyInstance, limits: Limits): void {
  // Built once at start: a schema that cannot be described fails the gateway's start, not a request.
  const doc = gatewayOpenApi(limits);
  app.get("/openapi.json", async () => doc);
}
