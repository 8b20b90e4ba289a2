// kafkajs's error classes. Node's ESM import of the CommonJS kafkajs only sees the names its
// `module.exports = {…}` lists literally, not the spread errors, so they are taken from the default export.
// Classify errors by class (and `retriable`), walking `cause`, never by message text (style.md).
import kafkajs from "kafkajs";

export const KafkaJSError = kafkajs.KafkaJSError;
export type KafkaJSError = InstanceType<typeof kafkajs.KafkaJSError>;
export const KafkaJSNonRetriableError = kafkajs.KafkaJSNonRetriableError;
export type KafkaJSNonRetriableError = InstanceType<typeof kafkajs.KafkaJSNonRetriableError>;
export const KafkaJSProtocolError = kafkajs.KafkaJSProtocolError;
export type KafkaJSProtocolError = InstanceType<typeof kafkajs.KafkaJSProtocolError>;
export const KafkaJSConnectionError = kafkajs.KafkaJSConnectionError;
export type KafkaJSConnectionError = InstanceType<typeof kafkajs.KafkaJSConnectionError>;
export const KafkaJSNumberOfRetriesExceeded = kafkajs.KafkaJSNumberOfRetriesExceeded;
export type KafkaJSNumberOfRetriesExceeded = InstanceType<typeof kafkajs.KafkaJSNumberOfRetriesExceeded>;
export const KafkaJSRequestTimeoutError = kafkajs.KafkaJSRequestTimeoutError;
export type KafkaJSRequestTimeoutError = InstanceType<typeof kafkajs.KafkaJSRequestTimeoutError>;
