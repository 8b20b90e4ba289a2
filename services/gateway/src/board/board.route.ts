import { readdirSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { refusal, route, TOKEN_REFUSALS } from "../openapi/contract.js";
import { refuse, requireToken, type GatewayContext } from "../http/context.js";
import type { SnapshotHub } from "./snapshot-hub.js";

/**
 * The shop board: `GET /board` serves a page of plain ES modules from `static/` (no build step),
 * and `GET /board/stream` is its server-sent event stream, scoped by the same API tokens as the read API.
 * The page sends the token in an Authorization header from fetch(); it never travels in a URL, so it is in
 * no access log, history or Referer.
 */
export interface BoardDeps {
  /** Absent: the page is served but the stream answers 503 (a gateway without Redis, unit tests). */
  hub?: SnapshotHub;
  /** Comment lines that keep an idle stream open through proxies and carry the server clock. */
  heartbeatMs?: number;
}

/** No inline script or style, nothing from another origin, no framing: the page's whole attack surface is its own files. */
export const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": BOARD_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** A board that falls this far behind (bytes buffered) is dropped; it reconnects and starts from fresh snapshots. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** The page's files, read once at start: only these names are ever served, so no path reaches the disk. */
function loadStatic(): Map<string, { body: Buffer; type: string }> {
  const dir = new URL("./static/", import.meta.url);
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf("."));
    const type = TYPES[ext];
    if (type !== undefined) files.set(name, { body: readFileSync(new URL(name, dir)), type });
  }
  return files;
}

const PAGE = { description: "The board's page", body: z.string(), contentType: "text/html" };
export const BoardFileParams = z.object({ file: z.string().describe("A file of the page (its scripts, styles, icons)") });

export const boardRoutes = [
  route({
    method: "get",
    path: "/",
    tag: "board",
    summary: "Redirects to /board",
    responses: { "302": { description: "To /board", headers: { Location: "/board" } } },
  }),
  route({ method: "get", path: "/board", tag: "board", summary: "The shop board", responses: { "200": PAGE } }),
  route({ method: "get", path: "/board/", tag: "board", summary: "The shop board", responses: { "200": PAGE } }),
  route({
    method: "get",
    path: "/board/static/{file}",
    tag: "board",
    summary: "A file of the board's page",
    params: BoardFileParams,
    responses: {
      "200": { description: "The file (JavaScript, CSS or SVG)" },
      "404": refusal("No such board file"),
    },
  }),
  route({
    method: "get",
    path: "/board/stream",
    tag: "board",
    summary: "The board's server-sent events",
    description:
      "Events: hello; a snapshot per shop the token lists; ready (shops, truncated); then change events as snapshots change, reconciliation events as a shop's latest reconciliation with the platform's figures changes, history events as a shop's daily history gains or settles a day (the tiles' 30-day lines), and ping heartbeats. Every event's data carries serverNow. Scoped by token like the read API; the token travels in the Authorization header, never in the URL.",
    security: "bearer",
    responses: {
      "200": { description: "An event stream", body: z.string(), contentType: "text/event-stream" },
      "401": TOKEN_REFUSALS["401"]!,
      "429": TOKEN_REFUSALS["429"]!,
      "503": refusal("The board's snapshot feed is not configured"),
    },
  }),
];

export function registerBoardRoutes(app: FastifyInstance, ctx: GatewayContext, deps: BoardDeps): void {
  const files = loadStatic();
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const streams = new Set<ServerResponse>();

  const page = files.get("index.html");
  if (page === undefined) throw new Error("board: static/index.html is missing");
  const sendPage = (_req: unknown, reply: import("fastify").FastifyReply) =>
    reply
      .headers({ ...SECURITY_HEADERS, "cache-control": "no-cache" })
      .type(page.type)
      .send(page.body);
  app.get("/", (_request, reply) => reply.redirect("/board"));
  app.get("/board", sendPage);
  app.get("/board/", sendPage);
  app.get("/board/static/:file", (request, reply) => {
    const name = (request.params as { file: string }).file;
    const f = files.get(name);
    if (f === undefined || name === "index.html") return reply.code(404).send({ error: "not_found", message: "no such board file" });
    return reply
      .headers({ ...SECURITY_HEADERS, "cache-control": "no-cache" })
      .type(f.type)
      .send(f.body);
  });

  app.get("/board/stream", { onRequest: [requireToken(ctx)] }, async (request, reply) => {
    const scope = request.sgScope;
    if (scope === null) return refuse(ctx, request, reply, "missing_token", "Authorization: Bearer <token> is required");
    const hub = deps.hub;
    if (hub === undefined) return refuse(ctx, request, reply, "unavailable", "the board's snapshot feed is not configured");

    reply.hijack();
    const res = reply.raw;
    // A stream is one long response: no inactivity timeout on its socket (heartbeats keep it busy anyway),
    // so server-wide request or idle timeouts never cut a board off.
    request.raw.socket.setTimeout(0);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
      // The socket closes with the stream: a shutdown that ends the stream need not wait out keep-alive.
      connection: "close",
    });
    streams.add(res);
    const write = (chunk: string): boolean => {
      if (res.destroyed || res.writableEnded) return false;
      res.write(chunk);
      return res.writableLength < MAX_BUFFERED;
    };
    const send = (event: string, data: object): boolean =>
      write(`event: ${event}\ndata: ${JSON.stringify({ ...data, serverNow: ctx.now() })}\n\n`);

    send("hello", {});
    const heartbeat = setInterval(() => {
      if (!send("ping", {})) res.destroy();
    }, heartbeatMs);
    let detach: (() => void) | undefined;
    const closed = new Promise<void>((resolve) => res.once("close", resolve));
    void closed.then(() => {
      clearInterval(heartbeat);
      streams.delete(res);
      detach?.();
    });
    try {
      const attached = await hub.attach({
        scope,
        send: (event, data) => {
          const ok = send(event, data);
          if (!ok) res.destroy();
          return ok;
        },
      });
      detach = attached.detach;
      if (res.destroyed) detach();
      send("ready", { shops: attached.shops, truncated: attached.truncated });
      ctx.logger.info(
        { route: "/board/stream", token: scope.fingerprint, shops: attached.shops, reqId: request.id },
        "board stream opened",
      );
    } catch (err) {
      ctx.logger.warn({ err, route: "/board/stream", token: scope.fingerprint }, "board stream failed to start");
      res.destroy();
    }
  });

  // Streams never finish on their own: end them before the server waits for open requests to drain.
  app.addHook("preClose", (done) => {
    for (const res of streams) res.end();
    done();
  });
}
