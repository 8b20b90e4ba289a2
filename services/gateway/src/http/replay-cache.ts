/**
 * Remembers signed pushes that were already produced, so an exact replay (same body, same signature) is
 * answered with success without producing again. Douyin's `event-sign` covers only the body, with no
 * timestamp or nonce, so a captured push stays valid forever; redelivery is harmless downstream (ids are
 * deterministic and the processor ignores a seen id), and this cache only saves the duplicate produce.
 *
 * A key is remembered only after its produce was acknowledged: a platform retry after a failure must go
 * through. Per process and bounded (LRU by insertion), it is an optimisation, never the guarantee.
 */
export interface ReplayCache {
  seen(key: string): boolean;
  remember(key: string): void;
}

export function createReplayCache(opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): ReplayCache {
  const ttlMs = opts.ttlMs ?? 15 * 60_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, number>();
  return {
    seen(key) {
      const at = entries.get(key);
      if (at === undefined) return false;
      if (now() - at > ttlMs) {
        entries.delete(key);
        return false;
      }
      return true;
    },
    remember(key) {
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, now());
    },
  };
}
