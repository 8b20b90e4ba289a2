// Public surface of @sg/notifier (docs/interfaces.md "Cross-service").
export { createSilenceStore, type SilenceStore, type SilenceStoreOptions } from "./silences/silence-store.js";
export {
  Silence,
  SilenceInput,
  SilenceMatcher,
  SilenceInputError,
  MATCHER_NAMES,
  silencedBy,
  shopMatcherTarget,
  isActive as isSilenceActive,
  type AlertLabels,
  type MatcherName,
  type SilenceProblem,
} from "./silences/silence.js";
export {
  createDeliveryStatusReader,
  type DeliveryStatus,
  type DeliveryFailure,
  type DeliveryStatusReader,
} from "./state/delivery-status.js";
export { createNotifier, type Notifier, type NotifierDeps } from "./notifier.js";
export { startNotifierService, type NotifierService, type NotifierServiceOptions } from "./service.js";
export { CHANNEL_TYPES, type ChannelType } from "./channels/channel.js";
