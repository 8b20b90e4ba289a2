import { connect } from "node:net";
import { StringDecoder } from "node:string_decoder";

/**
 * Redis MONITOR on a plain socket: each command the server runs, as its arguments. ioredis's `monitor()` can
 * throw "Command queue state error" when the first monitored line arrives in the same read as MONITOR's +OK
 * (it switches to monitor mode only after the reply's callback); reading the stream ourselves has no such race.
 */
export interface RedisMonitor {
  stop(): void;
}

export async function monitorRedis(redisUrl: string, onCommand: (args: string[]) => void): Promise<RedisMonitor> {
  const url = new URL(redisUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => {}); // the monitor ends with the test; a reset after stop() is expected
  const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  const command = (...args: string[]) => `*${args.length}\r\n${args.map(bulk).join("")}`;
  const password = decodeURIComponent(url.password);
  const user = decodeURIComponent(url.username);
  if (password) socket.write(user ? command("AUTH", user, password) : command("AUTH", password));
  socket.write(command("MONITOR"));
  // The replies before the monitored lines: AUTH's (if sent) and MONITOR's +OK. The monitor is returned only once
  // MONITOR's +OK is read, so a command sent after it resolves is always seen (sent before, it may not be).
  let replies = password ? 2 : 1;
  let started!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  socket.once("close", () => failed(new Error("redis monitor: the connection closed before MONITOR started")));
  const decoder = new StringDecoder("utf8");
  let pending = "";
  socket.on("data", (chunk: Buffer) => {
    pending += decoder.write(chunk);
    let end: number;
    while ((end = pending.indexOf("\r\n")) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (replies > 0) {
        replies--;
        if (line.startsWith("-")) failed(new Error(`redis monitor: ${line.slice(1)}`));
        else if (replies === 0) started();
        continue;
      }
      // A monitored command: +<time> [<db> <client>] "arg" "arg" …; errors are not commands.
      const open = line.indexOf("] ");
      if (line.startsWith("+") && open > 0) onCommand(parseArgs(line.slice(open + 2)));
    }
  });
  try {
    await ready;
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return { stop: () => socket.destroy() };
}

/** The quoted arguments of a MONITOR line, with Redis's escapes (\" \\ \n \r \t \a \b \xhh) undone. */
export function parseArgs(s: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '"') {
      i++;
      continue;
    }
    let out = "";
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\" && i + 1 < s.length) {
        const c = s[i + 1]!;
        if (c === "x" && i + 3 < s.length) {
          out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        out += ({ n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b" } as Record<string, string>)[c] ?? c;
        i += 2;
        continue;
      }
      out += s[i];
      i++;
    }
    args.push(out);
    i++;
  }
  return args;
}
