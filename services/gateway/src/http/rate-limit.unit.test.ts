import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit.js";

describe("createRateLimiter", () => {
  it("allows a burst, then refills at the sustained rate", () => {
    let t = 0;
    const rl = createRateLimiter({ ratePerSec: 2, burst: 3 }, { now: () => t });
    expect([rl.take("a"), rl.take("a"), rl.take("a")].every((r) => r.ok)).toBe(true);
    const refused = rl.take("a");
    expect(refused).toEqual({ ok: false, retryAfterSec: 1 });
    t += 499;
    expect(rl.take("a").ok).toBe(false);
    t += 1;
    expect(rl.take("a").ok).toBe(true);
  });

  it("tells how long a key must wait without taking from it", () => {
    let t = 0;
    const rl = createRateLimiter({ ratePerSec: 0.5, burst: 1 }, { now: () => t });
    expect(rl.wait("a")).toBeNull();
    expect(rl.take("a").ok).toBe(true);
    expect(rl.wait("a")).toBe(2);
    expect(rl.wait("a")).toBe(2);
    t += 2_000;
    expect(rl.wait("a")).toBeNull();
    expect(rl.take("a").ok).toBe(true);
  });

  it("keeps keys apart", () => {
    const rl = createRateLimiter({ ratePerSec: 1, burst: 1 }, { now: () => 0 });
    expect(rl.take("a").ok).toBe(true);
    expect(rl.take("a").ok).toBe(false);
    expect(rl.take("b").ok).toBe(true);
  });

  it("bounds memory under a flood of distinct keys", () => {
    const rl = createRateLimiter({ ratePerSec: 1, burst: 1 }, { maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 10_000; i++) rl.take(`k${i}`);
    expect(rl.size).toBe(100);
  });

  it("refuses a nonsensical limit", () => {
    expect(() => createRateLimiter({ ratePerSec: 0, burst: 1 })).toThrow(RangeError);
  });
});
