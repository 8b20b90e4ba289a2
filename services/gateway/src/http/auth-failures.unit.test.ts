import { describe, expect, it } from "vitest";
import { TOKENS, bearer, paidEvent, recordingLogger, testGateway } from "../../testing/test-support.js";
import { createAuthFailureGuard } from "./auth-failures.js";

describe("createAuthFailureGuard", () => {
  it("blocks an address after its burst of unknown tokens, refills it, and keeps other addresses apart", () => {
    let t = 0;
    const guard = createAuthFailureGuard({ limit: { ratePerSec: 0.5, burst: 3 }, logger: recordingLogger(), now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(guard.blockedFor("10.0.0.1")).toBeNull();
      guard.failed("10.0.0.1", "unknown_token");
    }
    expect(guard.blockedFor("10.0.0.1")).toBe(2);
    expect(guard.blockedFor("10.0.0.2")).toBeNull();
    // A missing token (a client without configuration) is logged but not counted as a guess.
    for (let i = 0; i < 10; i++) guard.failed("10.0.0.3", "missing_token");
    expect(guard.blockedFor("10.0.0.3")).toBeNull();
    t += 2_000;
    expect(guard.blockedFor("10.0.0.1")).toBeNull();
    guard.close();
  });

  it("logs one summary line per interval, not a line per failure", () => {
    let t = 0;
    const logger = recordingLogger();
    const guard = createAuthFailureGuard({ limit: { ratePerSec: 1, burst: 5 }, logger, intervalMs: 60_000, now: () => t });
    for (let i = 0; i < 2_000; i++)
      guard.failed(i % 4 === 0 ? "10.0.0.9" : `10.1.0.${i % 3}`, i < 1_990 ? "unknown_token" : "missing_token");
    expect(logger.lines).toEqual([]);
    t += 60_000;
    guard.failed("10.0.0.9", "rate_limited");
    expect(logger.lines).toHaveLength(1);
    const [fields, message] = logger.lines[0]!.args as [Record<string, unknown>, string];
    expect(fields).toMatchObject({ failures: 2_000, unknown_token: 1_990, missing_token: 10, rate_limited: 0, sources: 4 });
    expect(fields.top).toEqual([
      { ip: "10.0.0.9", failures: 500 },
      expect.objectContaining({ failures: 500 }),
      expect.objectContaining({ failures: 500 }),
      expect.objectContaining({ failures: 500 }),
    ]);
    expect(message).toBe("refused: 2000 failed authentications from 4 addresses");
    guard.close();
    expect(logger.lines).toHaveLength(2);
    expect((logger.lines[1]!.args[0] as Record<string, unknown>).rate_limited).toBe(1);
    guard.close();
    expect(logger.lines).toHaveLength(2);
  });

  it("bounds memory under failures from many addresses", () => {
    const logger = recordingLogger();
    const guard = createAuthFailureGuard({ limit: { ratePerSec: 1, burst: 1 }, logger, maxSources: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) guard.failed(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, "unknown_token");
    expect(guard.size).toBe(100);
    guard.close();
    expect(logger.lines[0]?.args[1]).toBe("refused: 10000 failed authentications from 100+ addresses");
  });
});

describe("token-scoped routes: failed authentication per source address", () => {
  const post = (gw: ReturnType<typeof testGateway>, token: string, remoteAddress: string) =>
    gw.app.inject({ method: "POST", url: "/v1/events", headers: bearer(token), payload: JSON.stringify(paidEvent()), remoteAddress });

  it("answers 429 with Retry-After to 2,000 guesses after the limit, while a valid token from another address works", async () => {
    // A frozen clock: no refill during the loop, however slow the machine.
    const gw = testGateway({
      authFailureRate: { ratePerSec: 0.2, burst: 20 },
      tokenRate: { ratePerSec: 1_000, burst: 1_000 },
      now: () => Date.parse("2026-11-21T00:00:00Z"),
    });
    const codes = new Map<number, number>();
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 2_000; i++) {
      const res = await post(gw, `guess-${i}-0123456789abcdefghij`, "10.0.0.1");
      codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 429) retryAfter = res.headers["retry-after"];
      if (i % 200 === 0) expect((await post(gw, TOKENS.s1, "10.0.0.2")).statusCode).toBe(202);
    }
    expect(Object.fromEntries(codes)).toEqual({ 401: 20, 429: 1_980 });
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(5);
    expect((await post(gw, TOKENS.s1, "10.0.0.3")).statusCode).toBe(202);
    // From the blocked address, a valid token it never used is refused like a guess (no oracle).
    expect((await post(gw, TOKENS.all, "10.0.0.1")).statusCode).toBe(429);
    // Refused requests are counted one by one, but logged in aggregate: one line once the gateway closes.
    expect(await gw.refusals("unknown_token")).toBe(20);
    expect(await gw.refusals("rate_limited")).toBe(1_981);
    expect(gw.logger.lines.filter((l) => l.level === "warn")).toEqual([]);
    await gw.close();
    const warns = gw.logger.lines.filter((l) => l.level === "warn");
    expect(warns).toHaveLength(1);
    expect(warns[0]!.args[0]).toMatchObject({
      failures: 2_001,
      unknown_token: 20,
      rate_limited: 1_981,
      top: [{ ip: "10.0.0.1", failures: 2_001 }],
    });
    expect(JSON.stringify(gw.logger.lines)).not.toContain("guess-");
  }, 120_000);

  it("keeps serving a token already in use from an address while that address is blocked for guessing", async () => {
    const gw = testGateway({ authFailureRate: { ratePerSec: 0.2, burst: 5 }, now: () => Date.parse("2026-11-21T00:00:00Z") });
    expect((await post(gw, TOKENS.s1, "10.0.0.7")).statusCode).toBe(202);
    for (let i = 0; i < 50; i++) await post(gw, `guess-${i}-0123456789abcdefghij`, "10.0.0.7");
    expect((await post(gw, "guess-x-0123456789abcdefghij", "10.0.0.7")).statusCode).toBe(429);
    expect((await post(gw, TOKENS.s1, "10.0.0.7")).statusCode).toBe(202);
    expect((await post(gw, TOKENS.all, "10.0.0.7")).statusCode).toBe(429);
    await gw.close();
  });
});
