/**
 * The Pinduoduo message client. Pinduoduo pushes over a websocket that the merchant's side
 * opens; it redelivers every command that was not acknowledged. So:
 * - a command is acknowledged only after its events were acknowledged by Kafka (acks=all);
 * - if Kafka fails, the socket is dropped: the unacknowledged commands come again after the reconnect;
 * - commands arriving while a produce is in flight are produced together in the next batch, acked one by one;
 * - a heartbeat (`HeartBeat` command plus a websocket ping) goes out every `heartbeatMs` (5–10 s, as the platform asks);
 *   a connection silent for `idleTimeoutMs` is dropped as dead;
 * - reconnects back off exponentially with jitter (capped), reset once a connection proves healthy.
 * Format sources: see pdd.adapter.ts.
 */
import type { FastifyBaseLogger } from "fastify";
import WebSocket, { type RawData } from "ws";
import type { GatewayMetrics } from "../../http/gateway-metrics.js";
import type { EventSink } from "../../ports.js";
import { deliver } from "../deliver.js";
import {
  mapPddCommand,
  parsePddCommand,
  pddAck,
  pddConnectUrl,
  pddHeartbeat,
  type PddCommand,
  type PddCredentials,
} from "./pdd.adapter.js";

export interface PddClientOptions {
  /** The configured message service URL, e.g. `wss://message-api.pinduoduo.com/message`. */
  url: string;
  creds: PddCredentials;
  sink: EventSink;
  metrics: GatewayMetrics;
  logger: FastifyBaseLogger;
  heartbeatMs?: number;
  idleTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** Most commands produced in one Kafka request. */
  maxBatch?: number;
  now?: () => number;
  random?: () => number;
}

export interface PddClient {
  start(): void;
  /** Stops reconnecting, lets in-flight batches finish and ack (bounded), then closes the socket. */
  stop(): Promise<void>;
  readonly connected: boolean;
  /** Resolves at the next successful connection (for tests and start-up checks). */
  whenConnected(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  dead: boolean;
  openedAt: number;
  lastSeen: number;
  pending: PddCommand[];
  draining: Promise<void> | null;
  heartbeat: NodeJS.Timeout | null;
}

export function createPddClient(opts: PddClientOptions): PddClient {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const heartbeatMs = opts.heartbeatMs ?? 8_000;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 3 * heartbeatMs;
  const initialMs = opts.backoff?.initialMs ?? 500;
  const maxMs = opts.backoff?.maxMs ?? 30_000;
  const maxBatch = opts.maxBatch ?? 500;
  const log = opts.logger;

  let stopping = false;
  let attempts = 0;
  let current: Connection | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let connectedWaiters: Array<() => void> = [];

  const setConnected = (up: boolean) => opts.metrics.pddConnected.set(up ? 1 : 0);

  function scheduleReconnect(): void {
    if (stopping || reconnectTimer !== null) return;
    const base = Math.min(maxMs, initialMs * 2 ** attempts);
    const delay = Math.round(base / 2 + (random() * base) / 2);
    attempts++;
    opts.metrics.pddReconnects.inc();
    log.info({ delayMs: delay, attempt: attempts }, "pdd: reconnecting");
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function drop(conn: Connection, why: string): void {
    if (conn.dead) return;
    conn.dead = true;
    if (conn.heartbeat !== null) clearInterval(conn.heartbeat);
    log.warn({ why, unacked: conn.pending.length }, "pdd: dropping connection; unacknowledged commands will be redelivered");
    conn.ws.terminate();
  }

  async function drain(conn: Connection): Promise<void> {
    while (conn.pending.length > 0 && !conn.dead) {
      const batch = conn.pending.splice(0, maxBatch);
      const receivedAt = now();
      try {
        await deliver(
          { sink: opts.sink, metrics: opts.metrics, logger: log, now },
          "pdd",
          batch.map((cmd) => ({ outcome: mapPddCommand(cmd, receivedAt), messageId: cmd.id, payload: cmd.raw })),
        );
      } catch (err) {
        log.error({ err, commands: batch.length }, "pdd: produce failed; not acknowledging");
        drop(conn, "produce failed");
        return;
      }
      if (conn.dead || conn.ws.readyState !== WebSocket.OPEN) return; // unacked: the platform redelivers
      for (const cmd of batch) if (cmd.id !== "") conn.ws.send(pddAck(cmd, now()));
      // A connection that carried traffic end to end is healthy: the next outage starts a fresh backoff.
      attempts = 0;
    }
  }

  function onMessage(conn: Connection, data: RawData): void {
    conn.lastSeen = now();
    const text = Buffer.isBuffer(data)
      ? data.toString("utf8")
      : Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : Buffer.from(data).toString("utf8");
    const parsed = parsePddCommand(text);
    if (!parsed.ok) {
      opts.metrics.platformMessages.inc({ source: "pdd", outcome: "invalid" });
      log.warn({ reason: parsed.reason }, "pdd: unparseable frame ignored");
      return;
    }
    const cmd = parsed.command;
    switch (cmd.commandType) {
      case "Common":
        conn.pending.push(cmd);
        if (conn.draining === null) {
          conn.draining = drain(conn).finally(() => {
            conn.draining = null;
          });
        }
        return;
      case "Fail":
        log.error({ type: cmd.type, content: cmd.content }, "pdd: the message service reported a failure");
        return;
      default: // HeartBeat, Ack: nothing to do
        return;
    }
  }

  function connect(): void {
    if (stopping) return;
    const url = pddConnectUrl(opts.url, opts.creds, now());
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 4 * 1024 * 1024 });
    const conn: Connection = { ws, dead: false, openedAt: 0, lastSeen: now(), pending: [], draining: null, heartbeat: null };
    current = conn;
    ws.on("open", () => {
      conn.openedAt = now();
      conn.lastSeen = now();
      setConnected(true);
      log.info("pdd: connected");
      for (const w of connectedWaiters) w();
      connectedWaiters = [];
      conn.heartbeat = setInterval(() => {
        if (now() - conn.lastSeen > idleTimeoutMs) return drop(conn, "no traffic or pong within the idle timeout");
        ws.send(pddHeartbeat(now()));
        ws.ping();
      }, heartbeatMs);
      conn.heartbeat.unref();
    });
    ws.on("message", (data) => onMessage(conn, data));
    ws.on("pong", () => {
      conn.lastSeen = now();
    });
    ws.on("unexpected-response", (_req, res) => {
      // The handshake was refused (a bad signature answers 4xx): log the status, never the URL (it is signed).
      log.error({ status: res.statusCode }, "pdd: handshake refused");
      ws.terminate();
    });
    ws.on("error", (err) => {
      log.warn({ err: { message: err.message } }, "pdd: socket error");
    });
    ws.on("close", (code) => {
      conn.dead = true;
      if (conn.heartbeat !== null) clearInterval(conn.heartbeat);
      if (current === conn) {
        current = null;
        setConnected(false);
      }
      log.info({ code }, "pdd: disconnected");
      scheduleReconnect();
    });
  }

  return {
    start() {
      stopping = false;
      if (current === null && reconnectTimer === null) connect();
    },
    async stop() {
      stopping = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const conn = current;
      if (conn === null) return;
      // Let the batch in flight finish and ack (bounded: Kafka may be the thing that is down).
      if (conn.draining !== null) await Promise.race([conn.draining, new Promise((r) => setTimeout(r, 10_000).unref())]);
      conn.pending = []; // not acked: redelivered to the next consumer
      if (conn.heartbeat !== null) clearInterval(conn.heartbeat);
      if (conn.ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise<void>((resolve) => conn.ws.once("close", () => resolve()));
      conn.ws.close(1000, "shutdown");
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
      conn.ws.terminate();
    },
    get connected() {
      return current !== null && current.ws.readyState === WebSocket.OPEN;
    },
    whenConnected() {
      if (current !== null && current.ws.readyState === WebSocket.OPEN) return Promise.resolve();
      return new Promise<void>((resolve) => connectedWaiters.push(resolve));
    },
  };
}
