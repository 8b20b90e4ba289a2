import type { Redis } from "@sg/redis";
import { z } from "zod";
import { EvidenceItem, type EvidenceOutcome } from "../evidence.js";
import {
  EVIDENCE_CHUNK,
  EVIDENCE_WANTED_MS,
  StoredEvidenceHead,
  evidenceChunkField,
  evidenceChunksOf,
  evidenceField,
  evidenceKeys,
  type StoredEvidencePage,
} from "../evidence-store.js";

const PageItems = z.array(EvidenceItem);

function parseJson(raw: string | null): unknown {
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // not JSON: read as absent, like a record of another schema
  }
}

/** A list's head, or null when none is stored or it does not parse (a schema change reads as absent). */
function parseHead(raw: string | null): StoredEvidenceHead | null {
  const head = StoredEvidenceHead.safeParse(parseJson(raw));
  return head.success ? head.data : null;
}

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
    /**
     * Items `offset` to `offset + limit` of a metric's list of one outcome, or null when none is stored (or it
     * does not parse). One HMGET of the list's head and the chunks the page covers: the read is bounded by the
     * page, not by the list.
     */
    async page(
      shop: { platform: string; shopId: string },
      metric: string,
      outcome: EvidenceOutcome,
      offset: number,
      limit: number,
    ): Promise<StoredEvidencePage | null> {
      const field = evidenceField(metric, outcome);
      const read = async (chunk: number) => {
        const chunks = evidenceChunksOf(offset, limit, chunk);
        const raw = await redis.hmget(keys.items(shop), field, ...chunks.map((i) => evidenceChunkField(field, i)));
        return { raw, chunks };
      };
      let { raw, chunks } = await read(EVIDENCE_CHUNK);
      const head = parseHead(raw[0] ?? null);
      if (head === null) return null;
      // A list written with another chunk size (a processor of another version): read the right chunks.
      if (head.chunk !== EVIDENCE_CHUNK) ({ raw, chunks } = await read(head.chunk));
      const all: unknown[] = [];
      for (let j = 0; j < chunks.length && chunks[j]! * head.chunk < head.kept; j++) {
        const part = parseJson(raw[j + 1] ?? null);
        // A chunk missing or not a list while the head says it holds items: the list is being replaced under us.
        if (!Array.isArray(part)) return null;
        all.push(...(part as unknown[]));
      }
      const start = offset - (chunks[0] ?? 0) * head.chunk;
      const items = PageItems.safeParse(all.slice(start, start + limit));
      if (!items.success) return null;
      const { kept, chunk: _chunk, ...rest } = head;
      return { ...rest, items: items.data, kept };
    },
  };
}
export type EvidenceReader = ReturnType<typeof createEvidenceReader>;
