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

/** Items per stored chunk of a list: a page reads the list's head and only the chunks it covers. */
export const EVIDENCE_CHUNK = 50;

/**
 * The head of one metric's list of one outcome, stored apart from its items: what the list was listed at, the
 * exact `total`, how many items are `kept` and in chunks of how many (`chunk`, EVIDENCE_CHUNK when written).
 */
export const StoredEvidenceHead = StoredEvidence.omit({ items: true })
  .extend({ kept: z.number().int().nonnegative(), chunk: z.number().int().positive() })
  .strict();
export type StoredEvidenceHead = z.infer<typeof StoredEvidenceHead>;

/** One page of a stored list: its items checked, `kept` the number of items the list holds. */
export interface StoredEvidencePage extends Omit<StoredEvidence, "items"> {
  items: z.infer<typeof EvidenceItem>[];
  kept: number;
}

/** The hash field of chunk `i` of a list (its items i × chunk to (i + 1) × chunk − 1, newest first). */
export function evidenceChunkField(listField: string, i: number): string {
  return `${listField}#${i}`;
}

/**
 * The hash fields one list is stored as (docs/evidence.md "How it is served"): its head at `listField`
 * (evidenceField) and its items in chunks of EVIDENCE_CHUNK, so that a page of 50 reads about 25 KB of a busy
 * shop's 500 bad items (250 KB) instead of all of them.
 */
export function storedEvidenceFields(listField: string, list: StoredEvidence): [string, string][] {
  const { items, ...rest } = list;
  const head: StoredEvidenceHead = { ...rest, kept: items.length, chunk: EVIDENCE_CHUNK };
  const out: [string, string][] = [[listField, JSON.stringify(head)]];
  for (let i = 0; i * EVIDENCE_CHUNK < items.length; i++)
    out.push([evidenceChunkField(listField, i), JSON.stringify(items.slice(i * EVIDENCE_CHUNK, (i + 1) * EVIDENCE_CHUNK))]);
  return out;
}

/** The chunks holding items `offset` to `offset + limit - 1` of a list stored in chunks of `chunk`. */
export function evidenceChunksOf(offset: number, limit: number, chunk: number): number[] {
  const out: number[] = [];
  for (let i = Math.floor(offset / chunk); i * chunk < offset + limit; i++) out.push(i);
  return out;
}

/** The hash field of one metric's items of one outcome. */
export function evidenceField(metric: string, outcome: EvidenceOutcome): string {
  return `${metric}|${outcome}`;
}

/** Cross-service Redis keys of the evidence projection. */
export function evidenceKeys(prefix: string) {
  return {
    /**
     * HASH `<metric>|<outcome>` → the list's head (StoredEvidenceHead JSON) and `<metric>|<outcome>#<i>` → its
     * i-th chunk of items (storedEvidenceFields), under the shop's hash tag; replaced whole by each listing
     * (one MULTI), expiring with the shop's other keys.
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
