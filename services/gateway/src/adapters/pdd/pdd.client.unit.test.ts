import { setTimeout as sleep } from "node:timers/promises";

import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayMetrics } from "../../http/gateway-metrics.js";
import { startPddFakeServer, type PddFakeServer } from "../../../testing/pdd-fake-server.js";
import { fixtureClock, recordingLogger, recordingSink } from "../../../testing/test-support.js";
import { createPddClient, type PddClient } from "./pdd.client.js";
import { BIG_COMMAND_ID, PDD_CREDS, command, refundContent, tradeContent } from "../../../testing/pdd.fixtures.js";

/** Polls an async condition (the client updates its metrics a moment after the server sees a frame). */
async function pollUntil(fn: () => Promise<boolean>, { timeoutMs }: { timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

let server: PddFakeServer | undefined;
let client: PddClient | undefined;

afterEach(async () => {
  await client?.stop();
  await server?.close();
  client = undefined;
  server = undefined;
});

function setup(over: { heartbeatMs?: number; creds?: typeof PDD_CREDS } = {}) {
  const sink = recordingSink();
  const logger = recordingLogger();
  const metrics = createGatewayMetrics(new Registry());
  const c = createPddClient({
    url: server!.url,
    creds: over.creds ?? PDD_CREDS,
    sink,
    metrics,
    logger,
    heartbeatMs: over.heartbeatMs ?? 5_000,
    backoff: { initialMs: 20, maxMs: 200 },
    now: fixtureClock(),
  });
  client = c;
  return { sink, logger, metrics, client: c };
}

describe("createPddClient", () => {
  it("connects with a signed URL, produces each command, then acks it with the exact uint64 id", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { sink, client: c } = setup();
    c.start();
    await c.whenConnected();
    server.push(command("pdd_trade_TradeConfirmed", tradeContent()));
    await server.until(() => server!.acks.length === 1);
    expect(sink.events).toEqual([expect.objectContaining({ id: `pdd:${BIG_COMMAND_ID}`, type: "order.paid", shopId: "171504183" })]);
    expect(String(server.acks[0]!.id)).toBe(BIG_COMMAND_ID);
    expect(server.acks[0]).toMatchObject({
      commandType: "Ack",
      type: "pdd_trade_TradeConfirmed",
      mallID: 171504183,
      sendTime: 1795392005500,
    });
    expect(server.unacked()).toEqual([]);
  });

  it("does not ack when Kafka fails; drops the socket, reconnects, and the redelivered command goes through", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { sink, client: c } = setup();
    sink.failNext();
    c.start();
    await c.whenConnected();
    server.push(command("pdd_refund_RefundCreated", refundContent(), { id: "9223372036854775002" }));
    await server.until(() => server!.connections === 2 && server!.acks.length === 1);
    expect(sink.events.map((e) => e.id)).toEqual(["pdd:9223372036854775002"]);
    expect(server.unacked()).toEqual([]);
  });

  it("after a dropped connection, unacked commands are redelivered and produced with the same ids", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { sink, client: c } = setup();
    c.start();
    await c.whenConnected();
    // The service sends two commands and the network fails before their acks arrive.
    const frames = [
      command("pdd_trade_TradeConfirmed", tradeContent("a"), { id: "9223372036854775011" }),
      command("pdd_trade_TradeSellerShip", tradeContent("a"), { id: "9223372036854775012" }),
    ];
    for (const f of frames) server.push(f);
    server.dropConnections();
    for (const f of frames) server.push(f); // queued for redelivery (no client right now)
    await server.until(() => server!.unacked().length === 0 && server!.connections >= 2);
    expect(new Set(sink.events.map((e) => e.id))).toEqual(new Set(["pdd:9223372036854775011", "pdd:9223372036854775012"]));
  });

  it("sends HeartBeat commands on its interval", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { client: c } = setup({ heartbeatMs: 30 });
    c.start();
    await c.whenConnected();
    await server.until(() => server!.heartbeats >= 2);
  });

  it("acks commands it cannot map (unknown topics, bad content) so they do not block the stream", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { sink, client: c } = setup();
    c.start();
    await c.whenConnected();
    server.push(command("pdd_goods_GoodsAdd", "{}", { id: "31" }));
    server.push(command("pdd_trade_TradeConfirmed", "{}", { id: "32" }));
    await server.until(() => server!.acks.length === 2);
    expect(sink.events).toEqual([]);
    expect(sink.dead.map((d) => d.messageId)).toEqual(["32"]);
  });

  it("keeps retrying with backoff when the signature is refused", async () => {
    server = await startPddFakeServer(PDD_CREDS);
    const { client: c, metrics } = setup({ creds: { ...PDD_CREDS, clientSecret: "wrong" } });
    c.start();
    await server.until(() => server!.badSignatures >= 2);
    expect(server.connections).toBe(0);
    // The client counts a reconnect when it sees the refusal close, a moment after the server counted it.
    await pollUntil(async () => ((await metrics.pddReconnects.get()).values[0]?.value ?? 0) >= 2, { timeoutMs: 5000 });
  });
});
