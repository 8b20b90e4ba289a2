// Public surface of @sg/notifier (docs/interfaces.md "Cross-service").
export { createSilenceStore, type SilenceStore, type SilenceStoreOptions } from "./silences/silence-store.js";
export {
  Silence,
  SilenceInput,
  SilenceMatcher,
  SilenceInputError,
  MATCHER_NAMES,
  silencedBy,
  isActive as isSilenceActive,
  type AlertLabels,
  type MatcherName,
  type SilenceProblem,
} from "./silences/silence.js";
