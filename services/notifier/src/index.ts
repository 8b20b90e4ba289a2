// Public surface of @sg/notifier: the service itself. What other services share with it (silences, delivery
// status, alert records) is in @sg/events (docs/interfaces.md).
export { createNotifier, type Notifier, type NotifierDeps } from "./notifier.js";
export { startNotifierService, type NotifierService, type NotifierServiceOptions } from "./service.js";
