/** The two log calls a shutdown makes; a pino logger fits. */
export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * How a standalone service stops: on the first SIGTERM or SIGINT it logs `message`, awaits `stop` (which
 * finishes the work in hand and closes clients) and exits 0; if stopping fails it logs why and exits 1.
 * Later signals are ignored while it stops.
 */
export function stopOnSignals(log: ShutdownLog, message: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, message);
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
