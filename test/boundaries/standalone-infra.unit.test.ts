// A standalone service deployed without KAFKA_BROKERS or REDIS_URL stops at once with a clear message; it
// never downloads and starts a broker of its own (only `npm start`, `replay` and the tests do).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

function run(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", main],
      // A clean environment: nothing inherited may point it at real infrastructure.
      { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stderr }),
    );
  });
}

describe.each(["gateway", "processor", "notifier"])("the %s alone", (service) => {
  it("exits non-zero naming the missing variables, without starting anything", async () => {
    const r = await run(`services/${service}/src/main.ts`, { REDIS_URL: "redis://:s3cret-pw@127.0.0.1:1" });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull(); // ended by itself, not by the timeout
    expect(r.stderr).toContain(`the ${service} alone does not start local Kafka or Redis`);
    expect(r.stderr).toContain("KAFKA_BROKERS: must be set");
    expect(r.stderr).not.toContain("s3cret-pw");
    expect(r.stderr).not.toMatch(/starting Kafka|redis-server/);
  }, 90_000);
});
