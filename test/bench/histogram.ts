/**
 * A Prometheus histogram read from a /metrics page, and its quantiles as Prometheus's histogram_quantile computes
 * them (linear within the bucket the rank falls in; the highest finite bound when it falls in +Inf).
 */

/** Cumulative counts by upper bound (`le`), +Inf last; an empty list when the page has no such histogram. */
export type Buckets = { le: number; count: number }[];

/** The buckets of `metric` (unlabelled, or summed over its labels) in a /metrics page's text. */
export function parseBuckets(text: string, metric: string): Buckets {
  const byLe = new Map<number, number>();
  const re = new RegExp(`^${metric}_bucket\\{(?:[^}]*,)?le="([^"]+)"[^}]*\\} ([\\d.e+-]+)$`, "gm");
  for (const m of text.matchAll(re)) {
    const le = m[1] === "+Inf" ? Infinity : Number(m[1]);
    byLe.set(le, (byLe.get(le) ?? 0) + Number(m[2]));
  }
  return [...byLe].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

/** The counts observed between two readings of the same histogram. */
export function bucketsSince(after: Buckets, before: Buckets): Buckets {
  return after.map(({ le, count }) => ({ le, count: count - (before.find((b) => b.le === le)?.count ?? 0) }));
}

/** The q-quantile (0 < q < 1) of the observations; NaN when there are none. */
export function bucketQuantile(buckets: Buckets, q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
