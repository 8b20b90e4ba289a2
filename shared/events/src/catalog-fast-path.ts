import { CanonicalEvent } from "./catalog.js";
import { compileFastParser } from "./fast-parser.js";

/**
 * The catalog compiled for the intake's hot path (fast-parser.ts): parseEvent tries it first and runs zod only
 * when it doubts, so a valid event costs a fraction of a zod parse and an invalid one gets zod's own problems.
 */
export const catalogFastPath = compileFastParser(CanonicalEvent);
