// A local stand-in for Pinduoduo's message service, in the documented protocol (see pdd.adapter.ts): it
// checks the connect URL's signature, pushes commands, records acks and heartbeats, and redelivers every
// unacknowledged command to the next connection, as the real service does.
import { WebSocketServer, type WebSocket } from "ws";
import { parseLosslessJson } from "../src/json/lossless-json.js";
import { pddSign, type PddCredentials } from "../src/adapters/pdd/pdd.adapter.js";

export interface PddFakeServer {
  /** `ws://127.0.0.1:<port>/message` */
  url: string;
  /** Sends a raw command frame (its `id` must be a bare integer) to the current client; remembered until acked. */
  push(frame: string): void;
  /** Terminates every client connection (as a network failure would). */
  dropConnections(): void;
  unacked(): string[];
  acks: Array<Record<string, unknown>>;
  heartbeats: number;
  connections: number;
  badSignatures: number;
  /** Resolves when `predicate` holds, polling every 10 ms (up to `timeoutMs`). */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const idOf = (frame: string): string => /"id"\s*:\s*(\d+)/.exec(frame)?.[1] ?? "";

export async function startPddFakeServer(creds: PddCredentials): Promise<PddFakeServer> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  const addr = wss.address();
  if (addr === null || typeof addr === "string") throw new Error("fake PDD server: no TCP address");
  const port = addr.port;
  const unacked = new Map<string, string>();
  let client: WebSocket | null = null;

  const server: PddFakeServer = {
    url: `ws://127.0.0.1:${port}/message`,
    acks: [],
    heartbeats: 0,
    connections: 0,
    badSignatures: 0,
    push(frame) {
      unacked.set(idOf(frame), frame);
      client?.send(frame);
    },
    dropConnections() {
      for (const c of wss.clients) c.terminate();
      client = null;
    },
    unacked: () => [...unacked.keys()],
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error("fake PDD server: condition not met in time");
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };

  wss.on("connection", (socket, request) => {
    const m = /^\/message\/([^/]+)\/(\d+)\/([^/?]+)$/.exec(request.url ?? "");
    if (m === null || m[1] !== creds.clientId || m[3] !== pddSign(creds, Number(m[2]))) {
      server.badSignatures++;
      socket.close(4001, "bad signature");
      return;
    }
    server.connections++;
    client = socket;
    socket.on("message", (data) => {
      const text = (data as Buffer).toString("utf8");
      const cmd = parseLosslessJson(text) as Record<string, unknown>;
      if (cmd.commandType === "HeartBeat") server.heartbeats++;
      if (cmd.commandType === "Ack") {
        server.acks.push(cmd);
        unacked.delete(String(cmd.id));
      }
    });
    // Redeliver what the previous connections left unacknowledged.
    for (const frame of unacked.values()) socket.send(frame);
  });
  return server;
}
