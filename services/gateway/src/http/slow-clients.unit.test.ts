import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TOKENS, bearer, paidEvent, testGateway, type TestGateway } from "../../testing/test-support.js";

/**
 * With real sockets against a real listening gateway (the producer port is the recording stub:
 * no Kafka is involved in holding a connection open). Slowloris clients trickle one byte at a time, in the
 * headers or in the body; each must be closed by the timeouts while a normal request still succeeds.
 */
interface SlowClient {
  socket: Socket;
  received: string;
  closed: Promise<number>;
  stop(): void;
}

function slowClient(port: number, head: string, dripMs: number): SlowClient {
  const socket = connect(port, "127.0.0.1");
  const started = Date.now();
  const c: SlowClient = {
    socket,
    received: "",
    closed: new Promise((resolve) => socket.once("close", () => resolve(Date.now() - started))),
    stop: () => clearInterval(timer),
  };
  socket.on("data", (d) => (c.received += d.toString("latin1")));
  socket.on("error", () => c.stop()); // a reset by the server is one of the expected endings
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write("a");
  }, dripMs);
  socket.once("close", () => c.stop());
  return c;
}

let gw: TestGateway | undefined;
const clients: SlowClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.stop();
    c.socket.destroy();
  }
  await gw?.close();
  gw = undefined;
});

describe("slow clients", () => {
  it("closes forty slowloris connections by the timeouts while a normal request succeeds", { timeout: 60_000 }, async () => {
    gw = testGateway({ connections: { headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, maxConnectionsPerSource: 100 } });
    const port = await gw.listen(0, "127.0.0.1");
    const auth = `Authorization: Bearer ${TOKENS.s1}\r\n`;
    for (let i = 0; i < 20; i++) {
      // Headers that never end: one byte of a header value at a time.
      clients.push(slowClient(port, `POST /v1/events HTTP/1.1\r\nHost: x\r\n${auth}X-Slow: `, 300));
      // Complete headers, then a body that never completes.
      clients.push(
        slowClient(
          port,
          `POST /v1/events HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
          300,
        ),
      );
    }

    // Meanwhile, a normal request is served.
    const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: "POST",
      headers: bearer(TOKENS.s1),
      body: JSON.stringify(paidEvent()),
    });
    expect(res.status).toBe(202);
    expect(clients.every((c) => !c.socket.destroyed)).toBe(true);

    // Every slow connection is closed: a generous bound for a loaded machine, far from "indefinitely".
    const lifetimes = await Promise.race([
      Promise.all(clients.map((c) => c.closed)),
      new Promise<never>((_r, reject) =>
        setTimeout(
          () => reject(new Error(`${clients.filter((c) => !c.socket.destroyed).length} slow connections still open after 30 s`)),
          30_000,
        ),
      ),
    ]);
    // Not before the headers timeout: the close is the timeout's doing, not an accident of the client.
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(1_400);
    // Those that got an answer were told why (408 Request Timeout).
    const answered = clients.filter((c) => c.received !== "");
    for (const c of answered) expect(c.received).toMatch(/^HTTP\/1\.1 408/);
    expect(gw.sink.events).toHaveLength(1);

    // The gateway still serves afterwards.
    const after = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: "POST",
      headers: bearer(TOKENS.s1),
      body: JSON.stringify(paidEvent({ id: "e-2" })),
    });
    expect(after.status).toBe(202);
  });

  it(
    "caps open connections per source address: one more is answered 429 and closed; a freed slot is reusable",
    { timeout: 30_000 },
    async () => {
      gw = testGateway({ connections: { headersTimeoutMs: 20_000, requestTimeoutMs: 20_000, maxConnectionsPerSource: 5 } });
      const port = await gw.listen(0, "127.0.0.1");
      const held = Array.from({ length: 5 }, () => slowClient(port, "GET /openapi.json HTTP/1.1\r\nHost: x\r\nX-Slow: ", 1_000));
      clients.push(...held);
      await Promise.all(held.map((c) => new Promise((r) => (c.socket.readyState === "open" ? r(null) : c.socket.once("connect", r)))));
      // Give the server the moment it needs to count them.
      await new Promise((r) => setTimeout(r, 200));

      const extra = slowClient(port, "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", 60_000);
      clients.push(extra);
      await extra.closed;
      expect(extra.received).toMatch(/^HTTP\/1\.1 429 /);
      expect(extra.received).toContain('"error":"too_many_connections"');
      expect(held.every((c) => !c.socket.destroyed)).toBe(true);
      expect(await gw.refusals("too_many_connections")).toBe(1);

      held[0]!.stop();
      held[0]!.socket.destroy();
      await held[0]!.closed;
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
      expect(res.status).toBe(200);
    },
  );
});
