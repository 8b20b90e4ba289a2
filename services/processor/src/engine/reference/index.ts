/**
 * The reference model: metrics.md and events.md restated as plain full-history code, sharing nothing with
 * the shipping engine but the calendar, the event types and the rule packs. Tests only: production code may
 * not import it (eslint.config.js).
 */
export { referenceEvaluate, type ReferenceEvaluation, type ReferenceOverrides } from "./evaluate.js";
export { referenceRollOff } from "./roll-off.js";
