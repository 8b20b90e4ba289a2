import type { ShopAggregates } from "../engine/incremental/measure.js";

/** A pending item as ShopAggregates holds it. */
export type PendingItem = ShopAggregates["pending"][number];

/** One part of a shop's aggregates as this process last read it: the "now" hash, the pending items, or one day. */
export type CachedPart =
  | {
      readonly stamp: string;
      readonly kind: "hash";
      readonly data: Readonly<Record<string, string>>;
      readonly bytes: number;
      readonly empty: boolean;
    }
  | {
      readonly stamp: string;
      readonly kind: "pending";
      readonly data: readonly PendingItem[];
      readonly bytes: number;
      readonly empty: boolean;
    };

/** The part names: "c" the now aggregates, "p" the pending items, else a day number. */
export type PartName = "c" | "p" | number;

const EMPTY: ReadonlyMap<PartName, CachedPart> = new Map();

/** What one entry costs beside its strings (the Map entry, the object, the stamp). */
const ENTRY_OVERHEAD = 120;
/** What one field of a cached hash costs beside its characters (V8 strings and the property). */
const FIELD_OVERHEAD = 48;

/** The bytes a hash part holds in this process, estimated (2 bytes a character and a field's overhead). */
export function hashBytes(h: Record<string, string>): number {
  let n = ENTRY_OVERHEAD;
  for (const k in h) n += 2 * (k.length + h[k]!.length) + FIELD_OVERHEAD;
  return n;
}

/**
 * The aggregates this process last read of each shop, part by part with the stamp each was read under
 * (readAggregates.lua): an evaluation asks Redis only for the parts whose stamp moved. Bounded by `maxBytes`
 * (estimated), least recently evaluated shops dropped first. Held contents are frozen: an evaluation
 * reads them and never changes them.
 */
/** The cache's default bound (AGGREGATE_CACHE_MB, shared/config, has the same default). */
export const DEFAULT_AGGREGATE_CACHE_BYTES = 256 * 1024 * 1024;

export class AggregateCache {
  private readonly shops = new Map<string, Map<PartName, CachedPart>>();
  private bytes = 0;
  constructor(readonly maxBytes = DEFAULT_AGGREGATE_CACHE_BYTES) {}

  /**
   * The shop's held parts at this moment, marking the shop recently used. A held map is never changed (keep
   * replaces it whole), so it is returned as it is, not copied.
   */
  held(shopKey: string): ReadonlyMap<PartName, CachedPart> {
    const parts = this.shops.get(shopKey);
    if (parts === undefined) return EMPTY;
    this.shops.delete(shopKey);
    this.shops.set(shopKey, parts);
    return parts;
  }

  /**
   * Keeps the parts just read of a shop, in place of what was held of it (days out of the windows go), then
   * evicts to the bound. The map becomes the cache's: the caller never changes it afterwards.
   */
  keep(shopKey: string, parts: Map<PartName, CachedPart>): void {
    const old = this.shops.get(shopKey);
    if (old !== undefined) this.dropShop(shopKey, old);
    let n = 0;
    for (const p of parts.values()) n += p.bytes;
    if (n > this.maxBytes) return;
    this.shops.set(shopKey, parts);
    this.bytes += n;
    for (const [k, v] of this.shops) {
      if (this.bytes <= this.maxBytes) break;
      this.dropShop(k, v);
    }
  }

  /** Forgets everything (a new connection may reach a server whose history is not the one read). */
  clear(): void {
    this.shops.clear();
    this.bytes = 0;
  }

  /** Estimated bytes held. */
  get size(): number {
    return this.bytes;
  }

  /** Shops held. */
  get shopCount(): number {
    return this.shops.size;
  }

  private dropShop(k: string, v: Map<PartName, CachedPart>): void {
    for (const p of v.values()) this.bytes -= p.bytes;
    this.shops.delete(k);
  }
}

/**
 * A part's content is empty (a day or hash without fields, no pending items). Noted when the part is made: a
 * `for…in` over a frozen hash of many fields lists all its keys first (about 24 µs an evaluation, a profile).
 */
export function partIsEmpty(p: CachedPart): boolean {
  return p.empty;
}

/** The stamp of a held part as readAggregates.lua takes it: "" none held, "<stamp>!" held empty. */
export function heldStamp(p: CachedPart | undefined): string {
  if (p === undefined) return "";
  return partIsEmpty(p) ? `${p.stamp}!` : p.stamp;
}

/** A hash part, frozen. */
export function hashPart(stamp: string, flat: readonly string[]): CachedPart {
  const data: Record<string, string> = {};
  // hashBytes's estimate, counted in the same pass (a field listed twice, which HGETALL never sends, counts twice).
  let bytes = ENTRY_OVERHEAD;
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i]!;
    const v = flat[i + 1]!;
    data[k] = v;
    bytes += 2 * (k.length + v.length) + FIELD_OVERHEAD;
  }
  return { stamp, kind: "hash", data: Object.freeze(data), bytes, empty: flat.length === 0 };
}

/** A pending part, frozen, its items parsed by `parse`. */
export function pendingPart(stamp: string, flat: readonly string[], parse: (member: string, deadline: number) => PendingItem): CachedPart {
  const items: PendingItem[] = [];
  let bytes = ENTRY_OVERHEAD;
  for (let i = 0; i < flat.length; i += 2) {
    items.push(Object.freeze(parse(flat[i]!, Number(flat[i + 1]))));
    bytes += 2 * (flat[i]!.length + flat[i + 1]!.length) + FIELD_OVERHEAD;
  }
  return { stamp, kind: "pending", data: Object.freeze(items), bytes, empty: items.length === 0 };
}
