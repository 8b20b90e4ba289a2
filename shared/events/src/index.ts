// @sg/events: the contracts between services (docs/interfaces.md). Pure: zod schemas, typed values and
// their one encoding. What needs a Redis or Kafka client is in "@sg/events/runtime".
export * from "./catalog.js";
export * from "./parse.js";
export * from "./time.js";
export * from "./topics.js";
export * from "./alerts.js";
export * from "./shop-key.js";
export * from "./linear-regex.js";
export * from "./redis-keys.js";
export * from "./delivery-status.js";
export * from "./silences/silence.js";
export * from "./snapshot.js";
export * from "./day-end.js";
export * from "./reconciliation.js";
export * from "./evidence.js";
export * from "./evidence-store.js";
