// A robot that takes a message but answers after the notifier's HTTP timeout gets it a second time: the
// notifier cannot tell a lost request from a lost answer, so it retries (alerts.md: delivery is
// at-least-once). Nothing fails here (no process dies, Redis and Kafka stay up), and one notifier sends the
// group once; the second POST is the retry of the same notification. It must say so: both POSTs carry the
// notification's stable key, so a receiver applies it once. The robot holds its first answer on a timer three
// times the notifier's timeout in the same process, so the timeout always fires first, however slow the machine.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdsFor, pollUntil } from "../../../test/src/index.js";
import { alert, FAST_TIMERS, startHarness, type Harness } from "../testing/harness.js";
import { NOTIFICATION_ID_HEADER } from "./channels/webhook/webhook.channel.js";

const HTTP_TIMEOUT_MS = 500;

interface Received {
  headers: IncomingHttpHeaders;
  body: { groupKey: string; alerts: Array<{ status: string; labels: Record<string, string> }> };
}

/** Records every POST on arrival; answers the first one only after `holdFirstMs`, the others at once. */
async function startSlowRobot(holdFirstMs: number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Received["body"] });
      const answer = () => {
        if (!res.destroyed) res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      };
      if (received.length === 1) setTimeout(answer, holdFirstMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("notifier, a robot answering after the HTTP timeout", () => {
  let h: Harness;
  let robot: Awaited<ReturnType<typeof startSlowRobot>>;

  beforeAll(async () => {
    h = await startHarness();
    robot = await startSlowRobot(3 * HTTP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await h?.close();
    await robot?.close();
  });

  it("sends the notification again with the same stable key, so the robot can apply it once", async () => {
    const notifier = await h.notifier(
      {
        receivers: { hook: { type: "webhook", url: robot.url } },
        routes: [{ match: { shop: ["slow"] }, receivers: ["hook"], ...FAST_TIMERS }],
      },
      { httpTimeoutMs: HTTP_TIMEOUT_MS, retry: { baseMs: 200, maxMs: 500, maxElapsedMs: 60_000 } },
    );
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });
    await h.publish([alert({ shopId: "slow" })]);

    await pollUntil(() => robot.received.length >= 2, { timeoutMs: 30_000, message: "the timed-out message sent again" });
    // The retry was the last: the second answer came in time, and the outbox is empty.
    await holdsFor(() => robot.received.length === 2, { forMs: 3_000, message: "no third POST" });

    // One alert, one group flush: the same body twice, the retry of one notification.
    const [first, second] = robot.received;
    expect(second!.body).toEqual(first!.body);
    expect(first!.body.alerts.map((a) => [a.status, a.labels.shop])).toEqual([["firing", "kuaishou:slow"]]);
    const flushed = h.logs.json().filter((l) => l.msg === "group flushed");
    expect(flushed.map((l) => l.notification)).toEqual(["r0|shop=kuaishou%3Aslow#1"]);
    // Both carry that notification's key: applied once by key, the robot has the alert once.
    const keys = robot.received.map((r) => r.headers[NOTIFICATION_ID_HEADER]);
    expect(keys).toEqual(["r0|shop=kuaishou%3Aslow#1", "r0|shop=kuaishou%3Aslow#1"]);
    // The retry's log line names the notification, so a duplicate at a robot can be traced to it.
    const retried = h.logs.json().filter((l) => l.msg === "delivery failed; will retry");
    expect(retried.map((l) => [l.code, l.notifications])).toEqual([["timeout", ["r0|shop=kuaishou%3Aslow#1"]]]);
  });
});
