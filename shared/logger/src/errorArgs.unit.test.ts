import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

/** An ioredis AUTH error carries the password in `command.args`; no log line may show it. */
const PASSWORD = "wrong-pass-Zq81xv";

function authError(): Error {
  // The shape ioredis gives a failed command's error (ReplyError with `command`).
  const err = new Error("WRONGPASS invalid username-password pair or user is disabled.");
  err.name = "ReplyError";
  Object.assign(err, { command: { name: "auth", args: ["default", PASSWORD] } });
  return err;
}

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(s) } };
}

describe("errors in log lines", () => {
  it("keep the command's name and drop its args, at any depth", () => {
    const out = capture();
    const log = createLogger({ name: "t", destination: out.destination });
    const wrapped = new Error("connect failed", { cause: authError() });
    const maxRetries = Object.assign(new Error("Reached the max retries per request limit"), { previousErrors: [authError()] });
    log.error({ err: authError() }, "redis error");
    log.error(authError());
    log.error({ err: wrapped });
    log.error({ err: maxRetries, context: { err: authError() } });
    log.error({ err: Object.assign(new Error("x"), { options: { password: PASSWORD, host: "h" }, argv: [PASSWORD] }) });
    const text = out.lines.join("");
    expect(out.lines).toHaveLength(5);
    expect(text).not.toContain(PASSWORD);
    const first = JSON.parse(out.lines[0]!) as { err: { command: { name: string; args: string }; message: string } };
    expect(first.err.command).toEqual({ name: "auth", args: "[Redacted]" });
    expect(first.err.message).toContain("WRONGPASS");
  });
});
