// A local Apache Kafka broker without Docker (architecture.md, "Local infrastructure without Docker"):
// jars from Maven Central, KRaft mode, Java 17, one process that is both broker and controller.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createKafka, KafkaJSError, logLevel } from "@sg/kafka";
import { parseInfraEnv } from "./env.js";
import {
  defaultLog,
  livePid,
  once,
  sleep,
  spawnDaemon,
  stopPid,
  stopWhenGone,
  tcpOpen,
  waitReady,
  withLockFile,
  writePidFile,
} from "./daemon.js";
import {
  ensureFormatted,
  ensureKafkaJars,
  findJava,
  jvmArgs,
  kafkaFiles,
  kafkaVersion,
  writeKafkaConfig,
  type KafkaFiles,
} from "./kafka-dist.js";
import { kafkaRunDir, shown } from "./paths.js";

export type EnsureKafkaOptions = {
  /** Client port on 127.0.0.1. Default: env KAFKA_PORT, else 9092. The controller listens on port + 1. */
  port?: number;
  log?: (msg: string) => void;
  /** Start from empty storage when a broker is started (not when one is reused). Default false. */
  fresh?: boolean;
  /** Default 120s: a cold JVM on two cores takes a while. */
  startTimeoutMs?: number;
  /** JVM max heap. Default "512m". */
  heap?: string;
  /**
   * Reuse a broker that already answers on the port (default true). With false, a busy port throws
   * `KafkaPortBusyError`, so a caller that wants a broker of its own can try another port.
   */
  reuse?: boolean;
  /** Stop a broker started here once this process exits, even if it is killed (a test run's pid). */
  stopWithProcess?: number;
};

export class KafkaPortBusyError extends Error {
  override readonly name = "KafkaPortBusyError";
  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

export type KafkaHandle = {
  brokers: string[];
  /** False when an already running broker was reused; `stop()` then does nothing. */
  started: boolean;
  stop(): Promise<void>;
};

const MAIN_CLASS = "kafka.Kafka";

/** True when a Kafka broker answers a DescribeCluster request at `brokers`. */
export async function kafkaAnswers(brokers: string[], timeoutMs = 3000): Promise<boolean> {
  const admin = createKafka({
    brokers,
    clientId: "sg-infra-probe",
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    // Any failure (refused, timed out, not speaking Kafka) means "not a usable broker yet"; callers
    // report the log file when it never becomes one.
    return false;
  } finally {
    await admin.disconnect();
  }
}

export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<KafkaHandle> {
  const log = options.log ?? defaultLog;
  const port = options.port ?? parseInfraEnv().KAFKA_PORT ?? 9092;
  const controllerPort = port + 1;
  const brokers = [`127.0.0.1:${port}`];
  const files = kafkaFiles(kafkaRunDir(port));
  const reused: KafkaHandle = { brokers, started: false, stop: async () => undefined };

  mkdirSync(files.dir, { recursive: true });
  // Two processes starting the same broker take turns; the second then finds it answering.
  return withLockFile(join(files.dir, "start.lock"), (options.startTimeoutMs ?? 120_000) + 60_000, async () => {
    const running = await runningBroker(brokers, files, options);
    if (running === "answers") {
      if (options.reuse === false) throw new KafkaPortBusyError(port, `kafka: a broker already answers on ${brokers[0]}`);
      log(`kafka: reusing the broker that answers on ${brokers[0]}`);
      return reused;
    }
    for (const p of [port, controllerPort]) {
      if (await tcpOpen(p)) {
        throw new KafkaPortBusyError(p, `kafka: port ${p} on 127.0.0.1 is taken by something that is not Kafka; stop it or set KAFKA_PORT`);
      }
    }
    return startBroker({ port, controllerPort, brokers, files, options, log });
  });
}

/**
 * "answers" when a broker answers on the port, after waiting for one that a process started earlier
 * (infra:up, an earlier run) is still starting; "none" when nothing of ours runs there.
 */
async function runningBroker(brokers: string[], files: KafkaFiles, options: EnsureKafkaOptions): Promise<"answers" | "none"> {
  if (await kafkaAnswers(brokers)) return "answers";
  const earlier = livePid(files.pidFile, files.serverProperties);
  if (earlier === undefined) return "none";
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  while (!(await kafkaAnswers(brokers))) {
    if (livePid(files.pidFile, files.serverProperties) === undefined) throw new Error(`kafka: pid ${earlier} exited; see ${files.logFile}`);
    if (Date.now() > deadline) throw new Error(`kafka: pid ${earlier} does not answer on ${brokers[0]}; see ${files.logFile}`);
    await sleep(500);
  }
  return "answers";
}

async function startBroker(a: {
  port: number;
  controllerPort: number;
  brokers: string[];
  files: KafkaFiles;
  options: EnsureKafkaOptions;
  log: (msg: string) => void;
}): Promise<KafkaHandle> {
  const { port, controllerPort, brokers, files, options, log } = a;
  const started = Date.now();
  const jars = await ensureKafkaJars(log);
  const java = findJava(parseInfraEnv().JAVA_HOME);
  writeKafkaConfig(files, port, controllerPort);
  await ensureFormatted({ java, jars, files, fresh: options.fresh ?? false, log });

  log(`kafka: starting Kafka ${kafkaVersion()} on ${brokers[0]} (log: ${shown(files.logFile)})`);
  const daemon = spawnDaemon(java, [...jvmArgs(files, options.heap ?? "512m"), "-cp", `${jars}/*`, MAIN_CLASS, files.serverProperties], {
    logFile: files.logFile,
    cwd: files.dir,
  });
  writePidFile(files.pidFile, daemon.pid);
  if (options.stopWithProcess !== undefined) stopWhenGone(options.stopWithProcess, daemon.pid);
  const stop = once(async () => {
    // Controlled shutdown of a single KRaft node takes a few seconds.
    await stopPid(daemon.pid, 30_000);
    rmSync(files.pidFile, { force: true });
  });
  try {
    await waitReady({
      what: `Kafka (pid ${daemon.pid})`,
      daemon,
      logFile: files.logFile,
      timeoutMs: options.startTimeoutMs ?? 120_000,
      intervalMs: 250,
      ready: () => kafkaAnswers(brokers),
    });
    await warmUpKafka(brokers);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`kafka: ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${daemon.pid})`);
  return { brokers, started: true, stop };
}

/** Stops the broker that infra started on `port`, if any. Returns its pid. */
export async function stopKafka(port: number): Promise<number | undefined> {
  const files = kafkaFiles(kafkaRunDir(port));
  const pid = livePid(files.pidFile, files.serverProperties);
  if (pid === undefined) return undefined;
  await stopPid(pid, 30_000);
  rmSync(files.pidFile, { force: true });
  return pid;
}

/**
 * Makes a new broker create and load its internal topics (__consumer_offsets, __transaction_state) now,
 * so the first consumer group and idempotent producer neither wait nor log "coordinator is loading".
 */
export async function warmUpKafka(brokers: string[], timeoutMs = 60_000): Promise<void> {
  const kafka = createKafka({ brokers, clientId: "sg-infra-warmup", logLevel: logLevel.NOTHING });
  const deadline = Date.now() + timeoutMs;
  const admin = kafka.admin();
  // InitProducerId creates __transaction_state; kafkajs retries it while the coordinator loads.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([producer.connect(), admin.connect()]);
  try {
    // FindCoordinator for a group creates __consumer_offsets. kafkajs's admin does not retry
    // NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS here, so retry while the error says it is retriable.
    for (;;) {
      try {
        await admin.fetchOffsets({ groupId: "sg-infra-warmup", topics: [] });
        return;
      } catch (err) {
        if (!(err instanceof KafkaJSError && err.retriable) || Date.now() > deadline) throw err;
        await sleep(200);
      }
    }
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}
