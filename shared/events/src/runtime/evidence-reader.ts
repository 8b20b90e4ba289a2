import type { Redis } from "@sg/redis";
import { z } from "zod";
import { EvidenceItem, type EvidenceOutcome } from "../evidence.js";
import { EVIDENCE_WANTED_MS, StoredEvidenceHead, evidenceField, evidenceKeys, type StoredEvidencePage } from "../evidence-store.js";

const PageItems = z.array(EvidenceItem);

/**
 * Reads the evidence projection (evidence-store.ts) as the processor wrote it: one hash field per metric and
 * outcome. A field that no longer parses (a schema change) reads as absent, not as an error.
 */
export function createEvidenceReader(redis: Redis, keyPrefix: string) {
  const keys = evidenceKeys(keyPrefix);
  return {
    /** Says the shop's items are wanted, so the processor keeps them listed (evidence-store.ts `wanted`). */
    async want(shop: { platform: string; shopId: string }, nowMs = Date.now()): Promise<void> {
      await redis
        .multi()
        .zadd(keys.wanted(), nowMs, `${shop.platform}:${shop.shopId}`)
        .zremrangebyscore(keys.wanted(), "-inf", nowMs - EVIDENCE_WANTED_MS)
        .exec();
    },
    /** Items `offset` to `offset + limit` of a metric's list of one outcome, or null when none is stored (or it does not parse). */
    async page(
      shop: { platform: string; shopId: string },
      metric: string,
      outcome: EvidenceOutcome,
      offset: number,
      limit: number,
    ): Promise<StoredEvidencePage | null> {
      const raw = await redis.hget(keys.items(shop), evidenceField(metric, outcome));
      if (raw === null) return null;
      try {
        const head = StoredEvidenceHead.safeParse(JSON.parse(raw));
        if (!head.success) return null;
        const items = PageItems.safeParse(head.data.items.slice(offset, offset + limit));
        return items.success ? { ...head.data, items: items.data, kept: head.data.items.length } : null;
      } catch {
        return null; // not JSON: read as absent, like a record of another schema
      }
    },
  };
}
export type EvidenceReader = ReturnType<typeof createEvidenceReader>;
