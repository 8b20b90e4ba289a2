import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface OpsServerOptions {
  /** 0 picks a free port; the chosen one is returned. */
  port: number;
  /** Default `0.0.0.0`, so Prometheus and probes can reach it. */
  host?: string;
  registry: Registry;
  /** Readiness: true once the service can do its work (e.g. connected to Kafka and Redis). */
  ready: () => Promise<boolean>;
  /** A readiness check slower than this answers 503; default 5 s, under Kubernetes' default probe timeout budget. */
  readyTimeoutMs?: number;
  /** Told about failures that the response can only summarise (a failing metrics collector, a throwing `ready`). */
  onError?: (err: unknown, context: "metrics" | "readyz" | "request") => void;
}

export interface OpsServer {
  /** The port actually bound. */
  port: number;
  /** Stops accepting connections and resolves once open requests are done. Idempotent. */
  close(): Promise<void>;
}

const TEXT = "text/plain; charset=utf-8";

/** The operations endpoints of every service: `/metrics` (Prometheus text format), `/livez`, `/readyz`. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { registry, ready, onError } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // handle() answers every request itself; reaching here means the response could not be written.
      onError?.(err, "request");
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "method not allowed\n", { Allow: "GET, HEAD" });
      return;
    }
    const path = new URL(req.url ?? "/", "http://ops.invalid").pathname;
    switch (path) {
      case "/metrics": {
        let body: string;
        try {
          body = await registry.metrics();
        } catch (err) {
          onError?.(err, "metrics");
          send(res, 500, "metrics collection failed\n");
          return;
        }
        send(res, 200, body, { "Content-Type": registry.contentType });
        return;
      }
      case "/livez":
        send(res, 200, "ok\n");
        return;
      case "/readyz": {
        const verdict = await checkReady(ready, readyTimeoutMs, onError);
        send(res, verdict === true ? 200 : 503, verdict === true ? "ok\n" : `not ready: ${verdict}\n`);
        return;
      }
      default:
        send(res, 404, "not found\n");
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections(); // keep-alive sockets of past scrapes would otherwise hold close() open
      });
      return closing;
    },
  };
}

/** `true`, or a short reason. The reason never carries the error's message, which may hold a connection URL. */
async function checkReady(ready: () => Promise<boolean>, timeoutMs: number, onError: OpsServerOptions["onError"]): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`check timed out after ${timeoutMs} ms`), timeoutMs);
  });
  const check = ready().then(
    (ok) => (ok === true ? (true as const) : "dependencies not ready"),
    (err: unknown) => {
      onError?.(err, "readyz");
      return `check failed (${err instanceof Error ? err.name : typeof err})`;
    },
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": TEXT, "Cache-Control": "no-store", ...headers });
  res.end(body);
}
