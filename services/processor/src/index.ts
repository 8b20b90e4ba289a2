export * from "./engine/index.js";
export { intake, type Intake } from "./consume/intake.js";
export { createProcessor, type Processor, type ProcessorDeps } from "./processor.js";
export { createSnapshotReader, type SnapshotReader } from "./publish/snapshot-reader.js";
export { startProcessorService, type ProcessorServiceOptions } from "./service.js";
export { runReplay, type ReplayOutput } from "./replay/run-replay.js";
export { readEventsFile } from "./replay/read-events.js";
export { ProjectionWriter } from "./publish/projection.js";
