export { createLogger, REDACT_PATHS, type CreateLoggerOptions, type Logger } from "./logger.js";
export { redactUrl, scrubText, MASK } from "./redactUrl.js";
export { sanitize, isSecretKey, CENSOR } from "./sanitize.js";
