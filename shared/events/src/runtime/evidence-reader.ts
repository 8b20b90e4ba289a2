import type { Redis } from "@sg/redis";
import type { EvidenceOutcome } from "../evidence.js";
import { StoredEvidence, evidenceField, evidenceKeys } from "../evidence-store.js";

/**
 * Reads the evidence projection (evidence-store.ts) as the processor wrote it: one hash field per metric and
 * outcome. A field that no longer parses (a schema change) reads as absent, not as an error.
 */
export function createEvidenceReader(redis: Redis, keyPrefix: string) {
  const keys = evidenceKeys(keyPrefix);
  return {
    async items(shop: { platform: string; shopId: string }, metric: string, outcome: EvidenceOutcome): Promise<StoredEvidence | null> {
      const raw = await redis.hget(keys.items(shop), evidenceField(metric, outcome));
      if (raw === null) return null;
      try {
        const r = StoredEvidence.safeParse(JSON.parse(raw));
        return r.success ? r.data : null;
      } catch {
        return null; // not JSON: read as absent, like a record of another schema
      }
    },
  };
}
export type EvidenceReader = ReturnType<typeof createEvidenceReader>;
