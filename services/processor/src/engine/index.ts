export * from "./evaluate.js";
export * from "./types.js";
export { sortEvents, buildModel } from "./model.js";
