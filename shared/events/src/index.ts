export * from "./catalog.js";
export * from "./parse.js";
export * from "./time.js";
export * from "./topics.js";
export * from "./alerts.js";
export * from "./shop-key.js";
export * from "./linear-regex.js";
