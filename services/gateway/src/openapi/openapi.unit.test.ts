import { EVENT_TYPES, PLATFORMS } from "@sg/events";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DOUYIN_CREDS } from "../../testing/douyin.fixtures.js";
import { KUAIDI100_SALT } from "../../testing/kuaidi100.fixtures.js";
import { KUAISHOU_SECRET } from "../../testing/kuaishou.fixtures.js";
import { BASE_CONFIG, testGateway } from "../../testing/test-support.js";
import type { RegisteredRoute } from "../gateway.js";
import { gatewayOpenApi } from "../routes/openapi.route.js";
import { openApiPath, route } from "./contract.js";
import { openApiDocument } from "./document.js";

type Doc = { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, unknown> } };

/** Registered routes the document does not describe (a HEAD is described by its GET). */
function undocumented(routes: readonly RegisteredRoute[], doc: Doc): string[] {
  return routes
    .filter((r) => r.method !== "HEAD")
    .filter((r) => doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()] === undefined)
    .map((r) => `${r.method} ${r.url}`);
}

/** Every `$ref` in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (typeof v === "object" && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") out.push(x);
      else refs(x, out);
    }
  return out;
}

/** Every platform configured, so that every webhook is registered. */
const everything = () =>
  testGateway({
    config: {
      ...BASE_CONFIG,
      platforms: { douyin: DOUYIN_CREDS, kuaishou: { messageSecret: KUAISHOU_SECRET }, kuaidi100: { salt: KUAIDI100_SALT } },
    },
  });

describe("/openapi.json, generated from the routes' zod schemas", () => {
  it("describes every route the public server registers, and no route it does not", async () => {
    const gw = everything();
    await gw.app.ready();
    const doc = (await gw.app.inject({ method: "GET", url: "/openapi.json" })).json<Doc>();
    expect(gw.routes.length).toBeGreaterThan(15);
    expect(undocumented(gw.routes, doc)).toEqual([]);
    const registered = new Set(gw.routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`));
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(described.filter((op) => !registered.has(op))).toEqual([]);
  });

  it("would catch a route added without a contract", async () => {
    const gw = everything();
    gw.app.get("/v1/shops/:platform/:shopId/something-new", async () => ({}));
    gw.app.post("/v1/silences/:id", async () => ({}));
    await gw.app.ready();
    const doc = (await gw.app.inject({ method: "GET", url: "/openapi.json" })).json<Doc>();
    expect(undocumented(gw.routes, doc)).toEqual(["GET /v1/shops/:platform/:shopId/something-new", "POST /v1/silences/:id"]);
  });

  it("serves the document built from the contracts with the gateway's limits", async () => {
    const gw = testGateway({ limits: { maxEvents: 10, bodyLimitBytes: 4096 } });
    const doc = (await gw.app.inject({ method: "GET", url: "/openapi.json" })).json<Doc>();
    expect(doc).toEqual(JSON.parse(JSON.stringify(gatewayOpenApi({ maxEvents: 10, bodyLimitBytes: 4096 }))));
    const body = doc.paths["/v1/events"]!.post!.requestBody as { content: Record<string, { schema: { anyOf: { maxItems?: number }[] } }> };
    expect(body.content["application/json"]!.schema.anyOf[1]!.maxItems).toBe(10);
  });

  it("resolves every reference to a component, and keeps no local definitions", () => {
    const doc = gatewayOpenApi({ maxEvents: 1000, bodyLimitBytes: 1 << 20 }) as Doc;
    const text = JSON.stringify(doc);
    expect(text).not.toContain("$defs");
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const r of all) {
      expect(r).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[r.slice("#/components/schemas/".length)], r).toBeDefined();
    }
  });

  it("states each canonical event type from the catalog, the new exclusions included", () => {
    const doc = gatewayOpenApi({ maxEvents: 1000, bodyLimitBytes: 1 << 20 }) as Doc;
    // A discriminated union: exactly one type applies (oneOf).
    const union = doc.components.schemas.CanonicalEvent as { oneOf: { $ref: string }[] };
    expect(union.oneOf.map((x) => x.$ref.split("/").pop())).toEqual(EVENT_TYPES);
    const decided = doc.components.schemas["exclusion.decided"] as { properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(decided.properties.scope!.enum).toEqual(["order", "aftersale", "consumer", "session"]);
    expect(decided.properties.decision!.enum).toEqual(["approved", "rejected"]);
    expect(decided.required).toEqual(expect.arrayContaining(["scope", "itemId", "reason", "decision"]));
    expect(decided.required).not.toContain("metrics");
  });

  it("keeps what the hand-written document said: security, parameters, bodies and refusals", () => {
    const doc = gatewayOpenApi({ maxEvents: 1000, bodyLimitBytes: 1 << 20 }) as Doc;
    const op = (path: string, method: string) => doc.paths[path]![method] as Record<string, unknown>;
    for (const [path, method] of [
      ["/v1/events", "post"],
      ["/v1/shops/{platform}/{shopId}/metrics", "get"],
      ["/v1/shops/{platform}/{shopId}/alerts", "get"],
      ["/v1/silences", "post"],
      ["/v1/silences", "get"],
      ["/v1/silences", "delete"],
      ["/v1/silences/{id}", "get"],
      ["/v1/silences/{id}", "delete"],
      ["/v1/deliveries", "get"],
    ] as const) {
      expect(op(path, method).security, `${method} ${path}`).toEqual([{ bearer: [] }]);
      expect(Object.keys(op(path, method).responses as object), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "429"]));
    }
    for (const path of ["/webhooks/douyin", "/webhooks/kuaishou", "/webhooks/kuaidi100"]) expect(op(path, "post").security).toEqual([]);
    expect(op("/v1/shops/{platform}/{shopId}/metrics", "get").parameters).toEqual([
      { name: "platform", in: "path", required: true, schema: { type: "string", enum: [...PLATFORMS] } },
      { name: "shopId", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 } },
    ]);
    expect(op("/v1/silences", "delete").parameters).toEqual([expect.objectContaining({ name: "id", in: "query", required: true })]);
    expect((op("/webhooks/kuaidi100", "post").parameters as { name: string }[]).map((p) => p.name)).toEqual([
      "platform",
      "shopId",
      "orderId",
      "com",
      "nu",
      "ref",
    ]);
    expect((op("/webhooks/douyin", "post").parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`)).toEqual([
      "header:app-id",
      "header:event-sign",
    ]);
    const snapshot = doc.components.schemas.ShopSnapshot as { required: string[]; properties: Record<string, unknown> };
    expect(snapshot.required).toEqual(expect.arrayContaining(["platform", "shopId", "rulePack", "metrics", "alerts"]));
    expect(snapshot.properties.scores).toEqual({ $ref: "#/components/schemas/ShopScores" });
    const input = doc.components.schemas.SilenceInput as { required: string[]; additionalProperties: boolean };
    expect(input.required).toEqual(["matchers", "endsAt"]);
    expect(input.additionalProperties).toBe(false);
    const event = doc.components.schemas["order.paid"] as { properties: { at: { description: string } } };
    expect(event.properties.at.description).toContain("epoch milliseconds");
  });

  it("names the evidence, history and forecast contracts; serves history and the evidence items", () => {
    const doc = gatewayOpenApi({ maxEvents: 1000, bodyLimitBytes: 1 << 20 }) as Doc;
    for (const id of ["EvidencePage", "EvidenceItem", "MetricHistory", "MetricForecast", "IfApproved", "PendingExclusion"])
      expect(doc.components.schemas[id], id).toBeDefined();
    const metric = doc.components.schemas.MetricOutput as { properties: Record<string, unknown>; required: string[] };
    expect(metric.properties.forecast).toEqual({ $ref: "#/components/schemas/MetricForecast" });
    expect(metric.properties.ifApproved).toEqual({ $ref: "#/components/schemas/IfApproved" });
    expect(metric.required).toEqual(["value", "status"]);
    expect(Object.keys(doc.paths).filter((p) => p.endsWith("/items") || p.endsWith("/history"))).toEqual([
      "/v1/shops/{platform}/{shopId}/metrics/{metric}/history",
      "/v1/shops/{platform}/{shopId}/metrics/{metric}/items",
    ]);
    expect(JSON.stringify(doc.paths["/v1/shops/{platform}/{shopId}/metrics/{metric}/items"])).toContain(
      "#/components/schemas/EvidencePage",
    );
  });

  it("refuses a contract whose path parameters differ from its path, and two contracts for one operation", () => {
    const info = { title: "t", version: "1", description: "d" };
    const a = route({ method: "get", path: "/x/{id}", tag: "t", summary: "s", responses: { "200": { description: "ok" } } });
    expect(() => openApiDocument(info, [a], [])).toThrow(/declares path parameters \[\] for \[id\]/);
    const b = { ...a, params: z.object({ id: z.string() }) };
    expect(() => openApiDocument(info, [b, b], [])).toThrow(/described twice/);
  });
});
