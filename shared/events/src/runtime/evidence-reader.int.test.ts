import { createRedis, type Redis } from "@sg/redis";
import { afterAll, describe, expect, it } from "vitest";
import { testInfra, uniqueName } from "../../../../test/src/index.js";
import type { EvidenceItem } from "../evidence.js";
import { EVIDENCE_CHUNK, evidenceField, evidenceKeys, storedEvidenceFields, type StoredEvidence } from "../evidence-store.js";
import { createEvidenceReader } from "./evidence-reader.js";

const item = (i: number): EvidenceItem => ({
  scope: "order",
  id: `o${i}`,
  outcome: "bad",
  moments: [{ name: "paid", at: "2026-11-18T08:00:00+08:00" }],
  why: { "zh-CN": `第 ${i} 单`, en: `order ${i}` },
  countsOn: "2026-11-18",
  leavesOn: "2026-12-18",
});

const list = (n: number): StoredEvidence => ({
  asOfMs: Date.parse("2026-11-20T12:00:00+08:00"),
  asOf: "2026-11-20T12:00:00+08:00",
  window: { from: "2026-10-22", to: "2026-11-20" },
  total: n + 7,
  items: Array.from({ length: n }, (_, i) => item(i)),
});

/**
 * The evidence projection stored as a head and chunks (evidence-store.ts storedEvidenceFields) and read a page
 * at a time (evidence-reader.ts): every page of lists of every size around the chunk's edges is the slice of
 * the list it names, and a page reads only the chunks it covers.
 */
describe("evidence reader over the chunked projection", () => {
  const redis: Redis = createRedis(testInfra().redisUrl);
  afterAll(async () => {
    await redis.quit();
  });

  it("serves each page as the slice of the stored list, with its head", async () => {
    const prefix = uniqueName("sgevid");
    const shop = { platform: "douyin", shopId: "s1" };
    const key = evidenceKeys(prefix).items(shop);
    const reader = createEvidenceReader(redis, prefix);
    const C = EVIDENCE_CHUNK;
    for (const n of [0, 1, C - 1, C, C + 1, 3 * C + 7, 500]) {
      const stored = list(n);
      const fields = storedEvidenceFields(evidenceField("m", "bad"), stored);
      await redis.del(key);
      await redis.hset(key, ...fields.flat());
      for (const [offset, limit] of [
        [0, 50],
        [0, 1],
        [C - 1, 2],
        [C, C],
        [7, 3 * C],
        [n - 1, 50],
        [n, 10],
        [n + 40, 10],
        [0, 500],
      ] as const) {
        if (offset < 0) continue;
        const page = await reader.page(shop, "m", "bad", offset, limit);
        const { items, ...head } = stored;
        expect(page, `n ${n}, offset ${offset}, limit ${limit}`).toEqual({ ...head, items: items.slice(offset, offset + limit), kept: n });
      }
    }
    expect(await reader.page(shop, "m", "good", 0, 50)).toBeNull();
    expect(await reader.page(shop, "other", "bad", 0, 50)).toBeNull();
    await redis.del(key);
  });

  it("reads only the head and the chunks a page covers", async () => {
    const prefix = uniqueName("sgevid");
    const shop = { platform: "douyin", shopId: "s2" };
    const key = evidenceKeys(prefix).items(shop);
    const fields = storedEvidenceFields(evidenceField("m", "bad"), list(500));
    expect(fields).toHaveLength(1 + 500 / EVIDENCE_CHUNK);
    // Every chunk but the one page 3 covers is replaced by something that is not a list: the page still reads.
    const covered = `${evidenceField("m", "bad")}#3`;
    await redis.hset(key, ...fields.flatMap(([f, v]) => [f, f === covered || !f.includes("#") ? v : "not json"]));
    const page = await createEvidenceReader(redis, prefix).page(shop, "m", "bad", 3 * EVIDENCE_CHUNK, EVIDENCE_CHUNK);
    expect(page?.items.map((i) => i.id)).toEqual(Array.from({ length: EVIDENCE_CHUNK }, (_, i) => `o${3 * EVIDENCE_CHUNK + i}`));
    // A chunk the head says holds items but that is missing reads as absent (a listing being replaced), not as a short page.
    await redis.hdel(key, covered);
    expect(await createEvidenceReader(redis, prefix).page(shop, "m", "bad", 3 * EVIDENCE_CHUNK, 10)).toBeNull();
    await redis.del(key);
  });
});
