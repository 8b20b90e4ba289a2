import type { ShopSnapshot } from "@sg/events";

/**
 * A snapshot without its forecasts (docs/forecast.md): the processor's projection and `replay` carry each
 * metric's and the score's `forecast`, the full-history engine computes none, so tests comparing the two
 * compare everything else (the forecast has its own tests: forecast.int.test.ts, test/conformance/forecast).
 */
export function withoutForecast<T extends ShopSnapshot | undefined>(snapshot: T): T {
  if (snapshot === undefined) return snapshot;
  const metrics = Object.fromEntries(
    Object.entries(snapshot.metrics).map(([name, m]) => {
      const { forecast: _forecast, ...rest } = m as typeof m & { forecast?: unknown };
      return [name, rest];
    }),
  );
  const out = { ...snapshot, metrics };
  if (snapshot.scores) {
    const { forecast: _forecast, ...scores } = snapshot.scores as typeof snapshot.scores & { forecast?: unknown };
    out.scores = scores;
  }
  return out;
}

/** How many of the snapshot's metrics carry a forecast. */
export function forecastCount(snapshot: ShopSnapshot | undefined): number {
  return Object.values(snapshot?.metrics ?? {}).filter((m) => (m as { forecast?: unknown }).forecast !== undefined).length;
}
