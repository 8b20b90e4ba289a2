// The part of `ws` 8 the gateway uses. `ws` ships no types and @types/ws is not installed (no new
// dependencies); should @types/ws be added, delete this file.
declare module "ws" {
  import type { EventEmitter } from "node:events";
  import type { IncomingMessage, Server as HttpServer } from "node:http";
  import type { AddressInfo } from "node:net";

  export type RawData = Buffer | ArrayBuffer | Buffer[];

  export interface ClientOptions {
    handshakeTimeout?: number;
    maxPayload?: number;
  }

  export class WebSocket extends EventEmitter {
    static readonly CONNECTING: 0;
    static readonly OPEN: 1;
    static readonly CLOSING: 2;
    static readonly CLOSED: 3;
    constructor(address: string, options?: ClientOptions);
    readonly readyState: 0 | 1 | 2 | 3;
    send(data: string | Buffer, cb?: (err?: Error) => void): void;
    ping(data?: unknown, mask?: boolean, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: "open", listener: () => void): this;
    on(event: "message", listener: (data: RawData, isBinary: boolean) => void): this;
    on(event: "close", listener: (code: number, reason: Buffer) => void): this;
    on(event: "error", listener: (err: Error) => void): this;
    on(event: "pong", listener: (data: Buffer) => void): this;
    on(event: "unexpected-response", listener: (req: unknown, res: IncomingMessage) => void): this;
    once(event: "close", listener: (code: number, reason: Buffer) => void): this;
    once(event: "open", listener: () => void): this;
  }

  export interface ServerOptions {
    port?: number;
    host?: string;
    server?: HttpServer;
    path?: string;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: ServerOptions, callback?: () => void);
    readonly clients: Set<WebSocket>;
    address(): AddressInfo | string;
    close(cb?: (err?: Error) => void): void;
    on(event: "connection", listener: (socket: WebSocket, request: IncomingMessage) => void): this;
    on(event: "listening", listener: () => void): this;
    on(event: "error", listener: (err: Error) => void): this;
    once(event: "listening", listener: () => void): this;
  }

  export default WebSocket;
}
