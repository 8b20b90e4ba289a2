import type { Registry } from "prom-client";

/** A histogram's observation count and sum in `registry` (0 and 0 before its first observation). */
export async function histogramTotals(registry: Registry, name: string): Promise<{ count: number; sum: number }> {
  const [m] = (await registry.getMetricsAsJSON()).filter((x) => x.name === name);
  const values = (m?.values ?? []) as { metricName?: string; value: number }[];
  const of = (suffix: string) => values.find((v) => v.metricName === `${name}_${suffix}`)?.value ?? 0;
  return { count: of("count"), sum: of("sum") };
}
