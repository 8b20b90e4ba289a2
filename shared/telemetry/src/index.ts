export { createRegistry, type CreateRegistryOptions } from "./registry.js";
export { startOpsServer, type OpsServer, type OpsServerOptions } from "./opsServer.js";
export type { Registry } from "prom-client";
export { stopOnSignals, type ShutdownLog } from "./lifecycle.js";
