import { collectDefaultMetrics, Registry } from "prom-client";

export interface CreateRegistryOptions {
  /** Prefix of the default process metrics; default `sg_` (`sg_process_cpu_seconds_total`, `sg_nodejs_heap_size_used_bytes`, …). */
  prefix?: string;
  /** Collect prom-client's default process and Node.js metrics; default true. */
  defaultMetrics?: boolean;
  /** Labels added to every metric of this registry. Keep them bounded (architecture.md "Bounded Prometheus labels"). */
  labels?: Record<string, string>;
}

/**
 * A fresh registry per service rather than prom-client's global one, so tests and the all-in-one process can
 * hold several without name clashes. Services register their own metrics on it with `registers: [registry]`.
 */
export function createRegistry(options: CreateRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics ?? true) {
    const prefix = options.prefix ?? "sg_";
    collectDefaultMetrics({ register: registry, prefix });
    dropMisnamedGauges(registry, prefix);
  }
  return registry;
}

/**
 * prom-client exports three gauges named `…_total`, a suffix Prometheus reserves for counters (`promtool check
 * metrics` rejects them). They are dropped: each is the sum of the gauge of the same name without the suffix,
 * which prom-client also exports by `type` (`sum(sg_nodejs_active_handles)` gives the same number).
 */
function dropMisnamedGauges(registry: Registry, prefix: string): void {
  for (const base of ["nodejs_active_handles", "nodejs_active_requests", "nodejs_active_resources"]) {
    registry.removeSingleMetric(`${prefix}${base}_total`);
  }
}
