import { Counter, type Registry } from "prom-client";

/** The slice of a logger the guards use; a pino logger from @sg/logger fits (it scrubs secrets from errors). */
export interface GuardLog {
  error(obj: object, msg?: string): void;
  fatal?(obj: object, msg?: string): void;
}

export interface ProcessGuards {
  readonly unhandledRejections: Counter;
  /** Removes the handlers (tests). */
  uninstall(): void;
}

/**
 * Once per process, in each service main and in the all-in-one main. Without these, Node prints an unhandled
 * rejection or an uncaught exception with `util.inspect`, which shows every enumerable field of the error (an
 * ioredis AUTH error carries the password in `command.args`), and exits.
 * - An unhandled rejection is logged through the service's logger and counted
 *   (`sg_unhandled_rejections_total`); the process goes on. Each one is a bug to fix, and the counter makes
 *   it visible, but one stray promise must not stop intake, evaluation and delivery together.
 * - An uncaught exception leaves the process in an unknown state (Node's documentation): it is logged and
 *   counted the same way, then the process exits 1 for its supervisor to restart it.
 */
export function installProcessGuards(options: { registry: Registry; log: GuardLog; exit?: (code: number) => void }): ProcessGuards {
  const { registry, log } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const unhandledRejections = new Counter({
    name: "sg_unhandled_rejections_total",
    help: "Promise rejections nobody handled (each one a bug; the process goes on)",
    registers: [registry],
  });
  const uncaughtExceptions = new Counter({
    name: "sg_uncaught_exceptions_total",
    help: "Exceptions nobody caught (the process exits after logging one)",
    registers: [registry],
  });
  const onRejection = (reason: unknown) => {
    unhandledRejections.inc();
    log.error({ err: reason }, "unhandled promise rejection (the process goes on)");
  };
  const onException = (err: unknown) => {
    uncaughtExceptions.inc();
    (log.fatal ?? log.error).call(log, { err }, "uncaught exception; exiting");
    exit(1);
  };
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    unhandledRejections,
    uninstall() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}
