import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One HTTP request as a robot saw it. */
export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  json: unknown;
}

export interface RobotAnswer {
  status: number;
  body: string | object;
  headers?: Record<string, string>;
}

export interface RobotServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A local HTTP server that records every request and answers with `handle`. */
export async function startRobotServer(handle: (req: ReceivedRequest) => RobotAnswer): Promise<RobotServer> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://robot.local");
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined; // not JSON: the robot answers its own "bad request" code
      }
      const r: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        raw,
        json,
      };
      received.push(r);
      const answer = handle(r);
      const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        "content-type": typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
        ...answer.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Counts sends in a sliding window, as the robots' rate limiters do. */
export class SlidingWindow {
  private times: number[] = [];
  constructor(
    private readonly windowMs: number,
    private readonly max: number,
  ) {}
  /** Records a send at `now` if allowed; false when the limit is reached. */
  take(now: number): boolean {
    this.times = this.times.filter((t) => t > now - this.windowMs);
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}

/** Failures a test asks for, answered before any other check, in order. */
export class FailureQueue<F> {
  private queue: F[] = [];
  push(n: number, f: F): void {
    for (let i = 0; i < n; i++) this.queue.push(f);
  }
  next(): F | undefined {
    return this.queue.shift();
  }
  get size(): number {
    return this.queue.length;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}
