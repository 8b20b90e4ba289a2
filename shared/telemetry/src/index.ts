export { createRegistry, type CreateRegistryOptions } from "./registry.js";
export { startOpsServer, type OpsServer, type OpsServerOptions } from "./opsServer.js";
export type { Registry } from "prom-client";
export { SHUTDOWN_TIMEOUT_MS, stopOnSignals, type ShutdownLog } from "./lifecycle.js";
export { installProcessGuards, type GuardLog, type ProcessGuards } from "./processGuards.js";
export { registerServiceHealth, type ServiceHealthChecks } from "./health.js";
