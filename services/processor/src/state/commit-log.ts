import type { ShopDelta } from "../engine/incremental/delta.js";

/** At most this many shops are followed (the least recently committed or read leaves first). */
const MAX_SHOPS = 10_000;
/** A shop with more entities changed since its last forecast read is dropped: its next forecast reads every timed entity. */
const MAX_KEYS = 5_000;
/**
 * At most about this many entity keys are held over all shops (least recently committed or read shops leave
 * first): a few tens of bytes each, so a few MB, however many shops are committed to and never forecast.
 */
const MAX_TOTAL_KEYS = 100_000;

interface Chain {
  /** The state version from which every commit is known, */
  base: number;
  /** up to this one (the shop's last version this process made or read), */
  last: number;
  /** and the entities those commits wrote (records or timers). */
  keys: Set<string>;
}

/**
 * The entities this process's commits changed, per shop, since a state version it knows (forecast-reader.ts):
 * a forecast whose kept projections were read at version v re-reads only the entities written since, when
 * every commit after v is one of this process's (each commit moves the version by one, commitEntities.lua,
 * so a commit that does not start from the last known version reveals another writer, another instance
 * during a rebalance, and the chain restarts after it). Forecast-reader.ts checks in Redis, atomically with
 * its read, that the version is still the last one known here; else it reads every timed entity.
 */
export class CommitLog {
  private readonly shops = new Map<string, Chain>();
  /** Entity keys held over all shops. */
  private total = 0;

  /** A commit of the shop's state (its entities key) from version `from` that made version `made`. */
  committed(shopKey: string, from: number, made: number, delta: Pick<ShopDelta, "records" | "timers">): void {
    const c = this.shops.get(shopKey);
    if (c === undefined || c.last !== from) {
      // Unknown commits may lie before this one: the chain starts after it.
      this.put(shopKey, { base: made, last: made, keys: new Set() });
      return;
    }
    const before = c.keys.size;
    for (const k of delta.records.keys()) c.keys.add(k);
    for (const k of delta.timers.keys()) c.keys.add(k);
    this.total += c.keys.size - before;
    c.last = made;
    if (c.keys.size > MAX_KEYS) this.drop(shopKey);
    else this.put(shopKey, c);
  }

  /** A read of the shop's whole timed state at `version` (what the forecast's projections now hold). */
  read(shopKey: string, version: number): void {
    const c = this.shops.get(shopKey);
    // Read at the last known version: the entities written before it are held; the chain starts here.
    if (c === undefined || c.last !== version || c.keys.size > 0) this.put(shopKey, { base: version, last: version, keys: new Set() });
  }

  /**
   * The entities written since `version` (a superset when it is past the chain's start) and the version the
   * state must still be at for that list to be complete; undefined when this process does not know them all.
   */
  since(shopKey: string, version: number): { expected: number; keys: string[] } | undefined {
    const c = this.shops.get(shopKey);
    if (c === undefined || version < c.base || version > c.last) return undefined;
    return { expected: c.last, keys: version === c.last ? [] : [...c.keys] };
  }

  /** Held keys (the bound's check). */
  get heldKeys(): number {
    return this.total;
  }

  /** Sets the shop's chain as the most recent; then the oldest shops leave while a bound is passed. */
  private put(shopKey: string, c: Chain): void {
    this.drop(shopKey);
    this.shops.set(shopKey, c);
    this.total += c.keys.size;
    while (this.shops.size > MAX_SHOPS || (this.total > MAX_TOTAL_KEYS && this.shops.size > 1)) this.drop(this.shops.keys().next().value!);
  }

  private drop(shopKey: string): void {
    this.total -= this.shops.get(shopKey)?.keys.size ?? 0;
    this.shops.delete(shopKey);
  }
}
