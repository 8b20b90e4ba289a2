// The gateway as main.ts runs it (startGatewayService): real Kafka and Redis, real HTTP, the Pinduoduo
// client, readiness, and a graceful stop.
import { topicNames } from "@sg/events";
import { createLogger } from "@sg/logger";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { PDD_CREDS, command, tradeContent } from "../testing/pdd.fixtures.js";
import { startGatewayService, type GatewayService } from "./service.js";
import { kafkaFixture } from "../testing/int-support.js";
import { startPddFakeServer, type PddFakeServer } from "../testing/pdd-fake-server.js";
import { TOKENS, paidEvent } from "../testing/test-support.js";

describe("startGatewayService", () => {
  let svc: GatewayService | undefined;
  let server: PddFakeServer | undefined;
  afterAll(async () => {
    await svc?.stop();
    await server?.close();
  });

  it("serves HTTP on its port, produces to Kafka, runs the PDD client, and stops gracefully", async () => {
    const { brokers, redisUrl } = testInfra();
    const prefix = `${uniqueName("gw-svc")}.`;
    server = await startPddFakeServer(PDD_CREDS);
    svc = await startGatewayService({
      brokers,
      redisUrl,
      topicPrefix: prefix,
      keyPrefix: uniqueName("sg-svc"),
      eventsPartitions: 2,
      port: 0,
      host: "127.0.0.1",
      opsPort: 0,
      config: {
        apiTokens: [{ token: TOKENS.s1, shops: ["kuaishou:s1"] }],
        platforms: { pdd: { ...PDD_CREDS, url: server.url } },
        shops: {},
      },
      logger: createLogger({ name: "gateway-test", level: "silent" }),
      registry: new Registry(),
    });
    const base = `http://127.0.0.1:${svc.port}`;
    const opsBase = `http://127.0.0.1:${svc.opsPort}`;
    expect(svc.opsPort).not.toBe(svc.port);
    await pollUntil(async () => (await fetch(`${opsBase}/readyz`)).status === 200, { message: "ready" });

    const res = await fetch(`${base}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.s1}`, "content-type": "application/json" },
      body: JSON.stringify(paidEvent({ id: "svc-1" })),
    });
    expect(res.status).toBe(202);
    server.push(command("pdd_trade_TradeConfirmed", tradeContent("svc-o"), { id: "18446744073709550001" }));
    await server.until(() => server!.acks.length === 1, 30_000);

    // Read back with a consumer of our own on the service's topics.
    const fx = await kafkaFixture("gw-svc-reader");
    try {
      const reader = await fx.read(topicNames(prefix).events);
      await reader.atLeast(2);
      expect(reader.records.map((r) => JSON.parse(r.value).id).sort()).toEqual(["pdd:18446744073709550001", "svc-1"]);
    } finally {
      await fx.close();
    }
    const metrics = await (await fetch(`${opsBase}/metrics`)).text();
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect(metrics).toContain('sg_gateway_events_produced_total{source="api"} 1');
    expect(metrics).toContain('sg_gateway_events_produced_total{source="pdd"} 1');
    expect(metrics).toContain("sg_gateway_pdd_connected 1");

    await svc.stop();
    await expect(fetch(`${opsBase}/livez`)).rejects.toThrow();
    await expect(fetch(`${base}/openapi.json`)).rejects.toThrow();
    expect(svc.pdd?.connected).toBe(false);
    svc = undefined;
  });
});
