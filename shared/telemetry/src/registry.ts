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
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: options.prefix ?? "sg_" });
  return registry;
}
