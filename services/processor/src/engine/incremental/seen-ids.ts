import { hash } from "node:crypto";
import type { CanonicalEvent } from "@sg/events";
import { SEEN_ID_KEEP_MS } from "../../retention.js";
import { dayNumber } from "./contrib.js";

/**
 * The shop's index of seen event ids (events.md: "a second event with an `id` already seen changes
 * nothing"), the pure part: which of a chunk's events are new, and what the index gains. Where it is stored
 * (state/lua/loadEntities.lua checks, commitEntities.lua adds, under the commit's version check) is the
 * store's concern; services/processor/README.md "Seen-id index" describes the stored form.
 *
 * An id is held as a fingerprint: the first FINGERPRINT_BYTES bytes of its SHA-256, as a latin1 string
 * (one character per byte), with the Asia/Shanghai day of its event time. 96 bits: two ids of a shop
 * with a million events share a fingerprint with a probability near 10⁻¹⁷.
 */
export const FINGERPRINT_BYTES = 12;
/** A stored entry: the fingerprint, then the day number in 2 bytes, big-endian. */
export const SEEN_ENTRY_BYTES = FINGERPRINT_BYTES + 2;

export function fingerprint(id: string): string {
  // The one-shot hash: the same digest as createHash("sha256").update(id) (UTF-8), without a Hash object, and
  // as a latin1 ("binary") string directly: no Buffer per id (0.4 µs an id where the Buffer and its toString took 2 µs).
  return hash("sha256", id, "binary").slice(0, FINGERPRINT_BYTES);
}

/** The oldest day whose entries still count at `now`: an older event time is past the retention. */
export function seenFloorDay(now: number): number {
  return dayNumber(now - SEEN_ID_KEEP_MS);
}

/** Fingerprint → day of the event time: what one commit adds to the index. */
export type SeenAdds = Map<string, number>;

/**
 * First seen wins: the events whose id is neither in `seen` (fingerprints the index held at the load) nor
 * earlier in `events` (arrival order), each with its fingerprint. `events` is one chunk of one shop.
 */
export function firstSeen<E extends { event: CanonicalEvent }>(
  events: readonly E[],
  seen: Pick<ReadonlySet<string>, "has">,
  /** Fingerprints already computed (the store's load computed them for the index check), by id. */
  known?: ReadonlyMap<string, string>,
): Map<E, string> {
  const fresh = new Map<E, string>();
  const taken = new Set<string>();
  for (const e of events) {
    const fp = known?.get(e.event.id) ?? fingerprint(e.event.id);
    if (seen.has(fp) || taken.has(fp)) continue;
    taken.add(fp);
    fresh.set(e, fp);
  }
  return fresh;
}

/** The entries of `adds` as one binary string of SEEN_ENTRY_BYTES each (commitEntities.lua's form). */
export function encodeSeenAdds(adds: SeenAdds): Buffer {
  const out = Buffer.alloc(adds.size * SEEN_ENTRY_BYTES);
  let i = 0;
  for (const [fp, day] of adds) {
    out.write(fp, i, FINGERPRINT_BYTES, "latin1");
    out.writeUInt16BE(Math.max(0, Math.min(0xffff, day)), i + FINGERPRINT_BYTES);
    i += SEEN_ENTRY_BYTES;
  }
  return out;
}
