import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { startOpsServer, type OpsServer } from "./opsServer.js";
import { createRegistry } from "./registry.js";

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(ready: () => Promise<boolean>, extra: { readyTimeoutMs?: number; onError?: (e: unknown) => void } = {}) {
  const registry = createRegistry();
  const server = await startOpsServer({ port: 0, host: "127.0.0.1", registry, ready, ...extra });
  servers.push(server);
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  return { registry, server, url };
}

describe("startOpsServer", () => {
  it("binds a free port when asked for port 0", async () => {
    const { server } = await start(async () => true);
    expect(server.port).toBeGreaterThan(0);
  });

  it("serves /metrics in the Prometheus text format, default metrics prefixed sg_", async () => {
    const { registry, url } = await start(async () => true);
    new Counter({ name: "sg_test_events_total", help: "events seen by the test", registers: [registry] }).inc(3);
    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toContain("# TYPE sg_test_events_total counter");
    expect(body).toContain("sg_test_events_total 3");
    expect(body).toMatch(/^sg_process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^sg_nodejs_heap_size_used_bytes /m);
  });

  it("answers /livez with 200 ok", async () => {
    const { url } = await start(async () => false);
    const res = await fetch(url("/livez"));
    expect([res.status, await res.text()]).toEqual([200, "ok\n"]);
  });

  it("answers /readyz from ready(): 200 when true, 503 with a reason otherwise", async () => {
    let state: boolean | Error = false;
    const errors: unknown[] = [];
    const { url } = await start(
      async () => {
        if (state instanceof Error) throw state;
        return state;
      },
      { onError: (e) => errors.push(e) },
    );
    let res = await fetch(url("/readyz"));
    expect([res.status, await res.text()]).toEqual([503, "not ready: dependencies not ready\n"]);
    state = true;
    res = await fetch(url("/readyz?verbose=1"));
    expect([res.status, await res.text()]).toEqual([200, "ok\n"]);
    state = new TypeError("connect redis://:pw@127.0.0.1:1 refused");
    res = await fetch(url("/readyz"));
    const text = await res.text();
    expect([res.status, text]).toEqual([503, "not ready: check failed (TypeError)\n"]);
    expect(errors).toEqual([state]);
  });

  it("answers 503 when ready() hangs past the timeout", async () => {
    const { url } = await start(() => new Promise<boolean>(() => {}), { readyTimeoutMs: 50 });
    const res = await fetch(url("/readyz"));
    expect([res.status, await res.text()]).toEqual([503, "not ready: check timed out after 50 ms\n"]);
  });

  it("answers 404 for other paths and 405 for other methods", async () => {
    const { url } = await start(async () => true);
    expect((await fetch(url("/nope"))).status).toBe(404);
    const post = await fetch(url("/metrics"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("closes idempotently, even with keep-alive connections open", async () => {
    const { server, url } = await start(async () => true);
    await (await fetch(url("/livez"))).text();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    await server.close();
    await expect(fetch(url("/livez"))).rejects.toThrow();
  });

  it("rejects when the port is taken", async () => {
    const { server } = await start(async () => true);
    await expect(
      startOpsServer({ port: server.port, host: "127.0.0.1", registry: createRegistry(), ready: async () => true }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
