import type { Server } from "node:http";
import type { Socket } from "node:net";

/** How long a client may take, and how many connections one address may hold (slow bodies). */
export interface ConnectionLimits {
  /** Until the request's headers are complete; then Node answers 408 and closes. */
  headersTimeoutMs: number;
  /** Until the whole request (headers and body) is received; then Node answers 408 and closes. */
  requestTimeoutMs: number;
  /** Open connections per source address; one more is answered 429 and closed. 0: no cap. */
  maxConnectionsPerSource: number;
}

/** 10 s for headers and 30 s for a whole request are ample for a 1 MiB body; 64 connections per address. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnectionsPerSource: 64,
};

/**
 * The fastify options that make Node enforce the timeouts. Fastify's own default `requestTimeout` is 0 (off),
 * which is why a client sending a byte every 2 s kept its connection forever. Node checks the timeouts every
 * `connectionsCheckingInterval` (30 s by default), so it is lowered for a prompt close. `connectionTimeout`
 * closes a socket that sends nothing at all.
 */
export function timeoutOptions(limits: ConnectionLimits) {
  const requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  return {
    requestTimeout,
    connectionTimeout: requestTimeout,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs) },
  };
}

const TOO_MANY = JSON.stringify({
  error: "too_many_connections",
  message: "too many open connections from this address; close some and retry",
});
const TOO_MANY_RESPONSE =
  "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\n" +
  `Content-Length: ${Buffer.byteLength(TOO_MANY)}\r\n\r\n${TOO_MANY}`;

/**
 * Caps concurrent connections per source address on `server`. The count is of TCP peers: behind a reverse
 * proxy every connection comes from the proxy, so the cap must then allow the proxy's pool (or be 0).
 * A connection over the cap is answered 429 and closed before any request is read.
 */
export function capConnectionsPerSource(server: Server, max: number, onRefused: (address: string) => void = () => undefined): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const n = (open.get(address) ?? 0) + 1;
    if (n > max) {
      onRefused(address);
      // The peer is told why; the socket is destroyed once the answer is flushed (or on any error).
      socket.on("error", () => socket.destroy());
      socket.end(TOO_MANY_RESPONSE, () => socket.destroy());
      return;
    }
    open.set(address, n);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
