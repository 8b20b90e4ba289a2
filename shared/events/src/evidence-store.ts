import { z } from "zod";
import { EvidenceItem, type EvidenceOutcome } from "./evidence.js";

/**
 * The evidence projection (docs/evidence.md "How it is served"): the processor, the only service that runs
 * the engine, lists each metric's items from the shop's entity records and writes them here; the read API
 * serves pages of them. Per shop, metric and outcome it keeps the newest `EVIDENCE_KEPT[outcome]` items
 * (so a shop's projection is bounded whatever its traffic) and the exact `total` of all of them.
 */

/** Items kept per metric and outcome, newest first: every bad item a merchant could act on, a sample of the rest. */
export const EVIDENCE_KEPT: Record<EvidenceOutcome, number> = { bad: 500, good: 100, pending: 100, excluded: 100 };
/** The processor lists a shop's items again at most this often (each listing reads all of the shop's records). */
export const EVIDENCE_REFRESH_MS = 60_000;
/**
 * Listing reads every record of a shop, so only shops someone looks at are listed: a shop whose items were
 * asked for (the read API's evidence route) within this long, by the wall clock.
 */
export const EVIDENCE_WANTED_MS = 10 * 60_000;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One metric's items of one outcome, as the processor wrote them. */
export const StoredEvidence = z
  .object({
    /** The moment the items were listed at (epoch ms) and its ISO form. */
    asOfMs: z.number().int(),
    asOf: z.string(),
    window: z.object({ from: Day, to: Day }),
    /** Items of this outcome in the window, all of them (the kept ones are the newest). */
    total: z.number().int().nonnegative(),
    items: z.array(EvidenceItem),
  })
  .strict();
export type StoredEvidence = z.infer<typeof StoredEvidence>;

/**
 * The stored list without checking each item: the read API checks only the page it serves (a busy shop's 500
 * bad items are about 250 KB of JSON; checking them all on every read cost more than the rest of the request).
 */
export const StoredEvidenceHead = StoredEvidence.extend({ items: z.array(z.unknown()) });

/** One page of a stored list: its items checked, `kept` the number of items the list holds. */
export interface StoredEvidencePage extends Omit<StoredEvidence, "items"> {
  items: z.infer<typeof EvidenceItem>[];
  kept: number;
}

/** The hash field of one metric's items of one outcome. */
export function evidenceField(metric: string, outcome: EvidenceOutcome): string {
  return `${metric}|${outcome}`;
}

/** Cross-service Redis keys of the evidence projection. */
export function evidenceKeys(prefix: string) {
  return {
    /**
     * HASH `<metric>|<outcome>` → StoredEvidence JSON, under the shop's hash tag; replaced whole by each
     * listing (one MULTI), expiring with the shop's other keys.
     */
    items: (s: { platform: string; shopId: string }) => `${prefix}:{${s.platform}:${s.shopId}}:evid`,
    /**
     * ZSET `platform:shopId` → when its items were last asked for (epoch ms, wall clock): the shops the
     * processor keeps listed. The read API adds to it and trims entries older than EVIDENCE_WANTED_MS.
     */
    wanted: () => `${prefix}:evid:wanted`,
  };
}

/** A page cursor: the offset of the next item in the kept list (opaque to clients). */
export function encodeEvidenceCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString("base64url");
}

/** The offset a cursor names, or null when it is not one of ours. */
export function decodeEvidenceCursor(cursor: string): number | null {
  const m = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}
