// The contracts' stores and readers: they need a Redis or Kafka client, so they are kept out of the pure entry.
export {
  createSilenceStore,
  type CreateSilenceOptions,
  type SilenceScope,
  type SilenceStore,
  type SilenceStoreOptions,
} from "./silence-store.js";
export { createDeliveryStatusReader, type DeliveryStatusReader } from "./delivery-status-reader.js";
export { ensurePipelineTopics } from "./pipeline-topics.js";
export { createDayEndReader, type DayEndReader } from "./day-end-reader.js";
export { createEvidenceReader, type EvidenceReader } from "./evidence-reader.js";
export { createReconciliationReader, type ReconciliationReader } from "./reconciliation-reader.js";
