/**
 * Which entities changed between two states of engine v2 over maps (shop-state.ts), for a reader that keeps
 * something derived from an earlier state (the forecast's timed entities, forecast/from-state.ts) and would
 * otherwise look every entity up again: as the processor's forecast reader reads only the entities written
 * since its last read (state/forecast-reader.ts). Kept beside the states (weak maps), never in them: a state
 * is the same value with or without it.
 */

/** An anchor's data, and the entity keys whose record or timer changed since the anchored state. */
export interface Lineage<T> {
  data: T;
  keys: readonly string[];
}

/** Past this many changed keys a lineage is dropped: the reader reads everything again, as without one. */
const MAX_KEYS = 4096;

/** The states readers anchored data to, by reader. */
const anchors = new WeakMap<object, unknown>();
/** Each state's lineage back to its nearest anchored ancestor (states made from no anchored state have none). */
const lineages = new WeakMap<object, Lineage<unknown>>();

/** Anchors `data` to state `s`: the states made from it by commits carry it, with the keys they change. */
export function anchorState<T>(s: object, data: T): void {
  anchors.set(s, data);
}

/** A commit made `next` from `prev`, changing the records and timers of `keys` (shop-state.ts commitDelta). */
export function recordCommit(prev: object, next: object, keys: Iterable<string>, more: Iterable<string>): void {
  const anchored = anchors.get(prev);
  const before = anchored !== undefined ? { data: anchored, keys: [] } : lineages.get(prev);
  if (!before) return;
  const all = [...before.keys, ...keys, ...more];
  if (all.length <= MAX_KEYS) lineages.set(next, { data: before.data, keys: all });
}

/** The data anchored to `s` itself (no key changed since), else its nearest anchored ancestor's, with the keys changed since. */
export function lineageOf<T>(s: object): Lineage<T> | undefined {
  const anchored = anchors.get(s);
  if (anchored !== undefined) return { data: anchored as T, keys: [] };
  return lineages.get(s) as Lineage<T> | undefined;
}
