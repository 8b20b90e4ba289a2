import type { ShopDelta } from "../engine/incremental/delta.js";

/** At most this many shops are followed (the least recently committed or read leaves first). */
const MAX_SHOPS = 10_000;
/** A shop with more entities changed since its last forecast read is dropped: its next forecast reads every timed entity. */
const MAX_KEYS = 5_000;
/**
 * At most about this many entity keys and state marks are held over all shops (least recently committed or read
 * shops leave first): a few tens of bytes each, so a few MB, however many shops are committed to and never forecast.
 */
const MAX_TOTAL_KEYS = 100_000;

interface Chain {
  /** The state marks from which every commit is known (the first) up to the last one this process made or read, */
  marks: Set<string>;
  /** the last of them, */
  last: string;
  /** and the entities those commits wrote (records or timers). */
  keys: Set<string>;
}

/**
 * A state mark: the shop's state version and the token of the commit that made it ("<version>|<token>",
 * commitEntities.lua keeps the last commit's token as "lt"). The version alone could be reached again by other
 * commits after a loss of state (a Redis failover dropping writes, then another instance's commits); a token
 * is unique to one commit, so a mark names one state.
 */
export const stateMark = (version: number | string, token: string): string => `${version}|${token}`;

/**
 * The entities this process's commits changed, per shop, since a state it knows (forecast-reader.ts): a
 * forecast whose kept projections were read at mark m re-reads only the entities written since, when every
 * commit after m is one of this process's. Each commit reports the mark it started from (the version it was
 * computed from and the token it found) and the mark it made; a commit that does not start from the last
 * known mark reveals another writer (another instance during a rebalance, or a state rolled back), and the
 * chain restarts after it. Forecast-reader.ts checks in Redis, atomically with its read, that the state is
 * still at the last mark known here; else it reads every timed entity.
 */
export class CommitLog {
  private readonly shops = new Map<string, Chain>();
  /** Entity keys and marks held over all shops. */
  private total = 0;

  /** A commit of the shop's state (its entities key) from mark `from` that made mark `made`. */
  committed(shopKey: string, from: string, made: string, delta: Pick<ShopDelta, "records" | "timers">): void {
    const c = this.shops.get(shopKey);
    if (c === undefined || c.last !== from) {
      // Unknown commits may lie before this one: the chain starts after it.
      this.put(shopKey, { marks: new Set([made]), last: made, keys: new Set() });
      return;
    }
    const before = c.keys.size;
    for (const k of delta.records.keys()) c.keys.add(k);
    for (const k of delta.timers.keys()) c.keys.add(k);
    const marksBefore = c.marks.size;
    c.marks.add(made);
    this.total += c.keys.size - before + c.marks.size - marksBefore;
    c.last = made;
    if (c.keys.size > MAX_KEYS || c.marks.size > MAX_KEYS) this.drop(shopKey);
    else this.put(shopKey, c);
  }

  /** A read of the shop's whole timed state at mark `mark` (what the forecast's projections now hold). */
  read(shopKey: string, mark: string): void {
    const c = this.shops.get(shopKey);
    // Read at a known mark before the last (a read that rode in an evaluation's round trip, then commits of
    // this process): the chain stays, its keys a superset of those written since `mark`.
    if (c !== undefined && c.last !== mark && c.marks.has(mark)) return;
    // Read at the last known mark: the entities written before it are held; the chain starts here.
    if (c === undefined || c.last !== mark || c.keys.size > 0) this.put(shopKey, { marks: new Set([mark]), last: mark, keys: new Set() });
  }

  /**
   * The entities written since `mark` (a superset when it is past the chain's start) and the mark the state
   * must still be at for that list to be complete; undefined when this process does not know them all.
   */
  since(shopKey: string, mark: string): { expected: string; keys: string[] } | undefined {
    const c = this.shops.get(shopKey);
    if (c === undefined || !c.marks.has(mark)) return undefined;
    return { expected: c.last, keys: mark === c.last ? [] : [...c.keys] };
  }

  /** Held entity keys and marks (the bound's check). */
  get heldKeys(): number {
    return this.total;
  }

  /** Sets the shop's chain as the most recent; then the oldest shops leave while a bound is passed. */
  private put(shopKey: string, c: Chain): void {
    this.drop(shopKey);
    this.shops.set(shopKey, c);
    this.total += c.keys.size + c.marks.size;
    while (this.shops.size > MAX_SHOPS || (this.total > MAX_TOTAL_KEYS && this.shops.size > 1)) this.drop(this.shops.keys().next().value!);
  }

  private drop(shopKey: string): void {
    const c = this.shops.get(shopKey);
    this.total -= c === undefined ? 0 : c.keys.size + c.marks.size;
    this.shops.delete(shopKey);
  }
}
