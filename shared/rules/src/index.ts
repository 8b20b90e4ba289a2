export * from "./schema.js";
export * from "./duration.js";
export * from "./loader.js";
