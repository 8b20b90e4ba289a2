// Public surface of @sg/gateway.
export { createGateway, DEFAULT_LIMITS, DEFAULT_SOURCE_RATE, DEFAULT_TOKEN_RATE, type Gateway, type GatewayDeps } from "./gateway.js";
export { startGatewayService, toGatewayConfig, type GatewayService, type GatewayServiceOptions } from "./service.js";
export { createKafkaEventSink } from "./kafka-sink.js";
export { createGatewayMetrics, type GatewayMetrics } from "./http/gateway-metrics.js";
export { createPddClient, type PddClient, type PddClientOptions } from "./adapters/pdd/pdd.client.js";
export { kuaidi100CallbackUrl, type OrderRef } from "./adapters/kuaidi100/kuaidi100.adapter.js";
export { douyinSign } from "./adapters/douyin/douyin.adapter.js";
export { encryptKuaishou } from "./adapters/kuaishou/kuaishou.crypto.js";
export { parseLosslessJson, JsonSyntaxError } from "./json/lossless-json.js";
export { openApiDocument } from "./routes/openapi.js";
export { Env, loadEnv } from "./env.js";
export type { DeadLetter, EventSink, GatewayConfig, ShopSnapshot, SnapshotReader, ApiToken } from "./ports.js";
