import { afterAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { testInfra, uniqueName } from "../../../test/src/index.js";
import { createRedis, isCluster } from "./client.js";

/** The socket calls Node makes to send what ioredis wrote: one `_write` per chunk sent alone, one `_writev` per batch. */
type Socket = { _write: (...a: unknown[]) => unknown; _writev: (...a: unknown[]) => unknown };

function countSends(nodes: Redis[]): { sends: () => number; restore: () => void } {
  let sends = 0;
  const undo: (() => void)[] = [];
  for (const node of nodes) {
    const s = (node as unknown as { stream: Socket }).stream;
    const { _write, _writev } = s;
    s._write = function (this: unknown, ...a: unknown[]) {
      sends++;
      return _write.apply(this, a);
    };
    s._writev = function (this: unknown, ...a: unknown[]) {
      sends++;
      return _writev.apply(this, a);
    };
    undo.push(() => Object.assign(s, { _write, _writev }));
  }
  return { sends: () => sends, restore: () => undo.forEach((u) => u()) };
}

// shared/redis/src/client.ts coalesceWrites: what one turn of the event loop writes leaves in one system call.
describe("the client's writes, coalesced per turn of the event loop", () => {
  const redis = createRedis(testInfra().redisUrl);
  afterAll(() => redis.disconnect());
  const nodes = () => (isCluster(redis) ? redis.nodes("master") : [redis]);

  it("sends ten pipelines issued in one turn in one system call, every reply in its place", async () => {
    const tag = `${uniqueName("coalesce")}:{k}`;
    await redis.set(`${tag}:warm`, "1", "EX", 60);
    const spy = countSends(nodes());
    try {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => redis.pipeline().set(`${tag}:${i}`, String(i), "EX", 60).get(`${tag}:${i}`).exec()),
      );
      expect(spy.sends()).toBe(1);
      replies.forEach((r, i) =>
        expect(r).toEqual([
          [null, "OK"],
          [null, String(i)],
        ]),
      );
      // A write in a later turn is sent on its own.
      await redis.get(`${tag}:3`);
      expect(spy.sends()).toBe(2);
    } finally {
      spy.restore();
    }
  });

  it("coalesces a connection made again after a drop", async () => {
    if (isCluster(redis))
      return expect(nodes().every((n) => (n as unknown as { stream: { sgCoalesced?: true } }).stream.sgCoalesced)).toBe(true);
    const before = (redis as unknown as { stream: object }).stream;
    redis.disconnect(true);
    const tag = `${uniqueName("coalesce")}:{k}`;
    await redis.set(`${tag}:a`, "1", "EX", 60);
    const after = (redis as unknown as { stream: { sgCoalesced?: true } }).stream;
    expect(after).not.toBe(before);
    expect(after.sgCoalesced).toBe(true);
    const spy = countSends([redis]);
    try {
      const got = await Promise.all([redis.get(`${tag}:a`), redis.get(`${tag}:a`), redis.exists(`${tag}:a`)]);
      expect(got).toEqual(["1", "1", 1]);
      expect(spy.sends()).toBe(1);
    } finally {
      spy.restore();
    }
  });
});
