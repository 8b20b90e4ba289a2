/** The two log calls a shutdown makes; a pino logger fits. */
export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * How a standalone service stops: on the first SIGTERM or SIGINT it logs `message`, awaits `stop` (which
 * finishes the work in hand and closes clients) and exits 0; if stopping fails it logs why and exits 1. A
 * stop that takes over SHUTDOWN_TIMEOUT_MS (Kafka or Redis gone), or a second signal, exits 1 at once.
 */
/** How long a clean shutdown may take before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 20_000;

export function stopOnSignals(log: ShutdownLog, message: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the operator insists. Nothing acknowledged is lost (offsets follow Redis).
      log.error({ signal }, "second signal during shutdown; exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, message);
    // A clean stop waits for Kafka and Redis; with either gone it could wait forever (kafkajs retries).
    // Exiting is safe: an offset is committed only after its batch is in Redis, so the next owner redoes it.
    setTimeout(() => {
      log.error({ afterMs: SHUTDOWN_TIMEOUT_MS }, "shutdown did not finish in time; exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
