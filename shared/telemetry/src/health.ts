import { Gauge, type Registry } from "prom-client";

export interface ServiceHealthChecks {
  /** The service's readiness, as on /readyz. */
  ready: () => Promise<boolean>;
  /** True while the service's Redis connection is usable. Cheap: read from the client's state, no round trip. */
  redis: () => boolean;
}

/** Services registered per registry: the all-in-one process holds three services on one registry. */
const services = new WeakMap<Registry, Map<string, ServiceHealthChecks>>();

/**
 * `sg_service_ready{service}` and `sg_redis_up{service}` (1 or 0), read at scrape time. With them a dashboard
 * shows each of the three services' health even when they share one process and one scrape target (`up`
 * only says the process answers), and the "Redis unreachable" rule has a signal.
 */
export function registerServiceHealth(registry: Registry, service: string, checks: ServiceHealthChecks): void {
  let byService = services.get(registry);
  if (!byService) {
    const registered = new Map<string, ServiceHealthChecks>();
    services.set(registry, (byService = registered));
    new Gauge({
      name: "sg_service_ready",
      help: "1 while the service is ready (its /readyz would answer 200), else 0",
      labelNames: ["service"] as const,
      registers: [registry],
      async collect() {
        for (const [name, c] of registered) {
          // A failing check is an unready service, which is exactly what this gauge reports.
          const ok = await c.ready().catch(() => false);
          this.set({ service: name }, ok ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: "sg_redis_up",
      help: "1 while the service's Redis connection is ready, else 0",
      labelNames: ["service"] as const,
      registers: [registry],
      collect() {
        for (const [name, c] of registered) this.set({ service: name }, c.redis() ? 1 : 0);
      },
    });
  }
  byService.set(service, checks);
}
