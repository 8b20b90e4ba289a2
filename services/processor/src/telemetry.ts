import { Counter, type Registry } from "prom-client";

/** Service metrics carry no shop label (architecture.md "Bounded Prometheus labels"). */
export function processorMetrics(registry: Registry) {
  return {
    eventsApplied: new Counter({ name: "sg_processor_events_applied_total", help: "New events applied to Redis", registers: [registry] }),
    duplicates: new Counter({ name: "sg_processor_duplicate_events_total", help: "Events whose id was already applied", registers: [registry] }),
    deadLettered: new Counter({ name: "sg_processor_dead_lettered_total", help: "Records sent to the dead-letter topic", registers: [registry] }),
    evaluations: new Counter({ name: "sg_processor_shop_evaluations_total", help: "Shop metric evaluations", registers: [registry] }),
  };
}
export type ProcessorMetrics = ReturnType<typeof processorMetrics>;
