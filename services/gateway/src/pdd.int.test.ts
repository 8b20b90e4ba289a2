// The Pinduoduo client against a local websocket server speaking the documented protocol, producing to the
// real Kafka: acks follow Kafka's acknowledgement, and a dropped connection loses nothing.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDD_CREDS, command, refundContent, tradeContent } from "../testing/pdd.fixtures.js";
import { createPddClient, type PddClient } from "./adapters/pdd/pdd.client.js";
import { createGatewayMetrics } from "./http/gateway-metrics.js";
import { kafkaFixture, type KafkaFixture } from "../testing/int-support.js";
import { startPddFakeServer, type PddFakeServer } from "../testing/pdd-fake-server.js";
import { recordingLogger } from "../testing/test-support.js";

describe("Pinduoduo websocket → Kafka", () => {
  let fx: KafkaFixture;
  let server: PddFakeServer;
  let client: PddClient;

  beforeAll(async () => {
    fx = await kafkaFixture("gw-pdd");
    server = await startPddFakeServer(PDD_CREDS);
    client = createPddClient({
      url: server.url,
      creds: PDD_CREDS,
      sink: fx.sink,
      metrics: createGatewayMetrics(new Registry()),
      logger: recordingLogger(),
      heartbeatMs: 200,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    client.start();
    await client.whenConnected();
  });
  afterAll(async () => {
    await client?.stop();
    await server?.close();
    await fx?.close();
  });

  it("produces each command to sg.events (exact uint64 ids), then acks it, and heartbeats", async () => {
    server.push(command("pdd_trade_TradeConfirmed", tradeContent("pdd-o-1"), { id: "18446744073709551001" }));
    server.push(command("pdd_refund_RefundCreated", refundContent({ tid: "pdd-o-1" }), { id: "18446744073709551002" }));
    await server.until(() => server.acks.length === 2, 30_000);
    const reader = await fx.read(fx.topics.events);
    await reader.atLeast(2);
    expect(reader.records.map((r) => [r.key, JSON.parse(r.value).id, JSON.parse(r.value).type])).toEqual([
      ["pdd:171504183", "pdd:18446744073709551001", "order.paid"],
      ["pdd:171504183", "pdd:18446744073709551002", "aftersale.requested"],
    ]);
    expect(server.acks.map((a) => String(a.id))).toEqual(["18446744073709551001", "18446744073709551002"]);
    await server.until(() => server.heartbeats >= 1);
  });

  it("after a dropped connection, the unacked commands are redelivered and land in Kafka", async () => {
    const before = server.connections;
    const frames = [
      command("pdd_trade_TradeSellerShip", tradeContent("pdd-o-1"), { id: "18446744073709551003" }),
      command("pdd_refund_RefundAgreeAgreement", refundContent({ tid: "pdd-o-1" }), { id: "18446744073709551004" }),
    ];
    server.dropConnections(); // the network fails...
    for (const f of frames) server.push(f); // ...while the service has these for us: unacked until we reconnect
    await server.until(() => server.connections > before && server.unacked().length === 0, 30_000);
    const reader = await fx.read(fx.topics.events);
    await reader.atLeast(4);
    const ids = reader.records.map((r) => JSON.parse(r.value).id);
    expect(ids).toEqual(expect.arrayContaining(["pdd:18446744073709551003", "pdd:18446744073709551004"]));
  });
});
