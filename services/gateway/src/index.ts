// Public surface of @sg/gateway: the service, for the all-in-one process and cross-service tests.
export { createGateway, type Gateway, type GatewayDeps } from "./gateway.js";
export { startGatewayService, type GatewayService, type GatewayServiceOptions } from "./service.js";
export { Env, loadEnv } from "./env.js";
export type { ShopSnapshot, SnapshotReader } from "./ports.js";
export { createProjectionReader } from "./snapshots.js";
export { createSnapshotHub, type SnapshotHub } from "./board/snapshot-hub.js";
