export * from "./schema.js";
export * from "./duration.js";
export * from "./loader.js";
export * from "./score.js";
export * from "./select.js";
export * from "./calendars.js";
