// A Kafka broker of one fault test's own (port, controller port and data folder apart from the harness's
// shared broker), which the test can kill with a signal and start again on the same port and data, as an
// operator's restart or a crashed JVM would. Started the way infra starts every local broker (KRaft, one node).
import { readFileSync } from "node:fs";
import { ensureKafka, KafkaPortBusyError, type KafkaHandle } from "@sg/infra";
import { pollUntil } from "../index.js";
// Where infra keeps the broker's pid file; not part of @sg/infra's public surface, so read from its source.
import { isAlive } from "../../../infra/src/daemon.js";
import { kafkaFiles } from "../../../infra/src/kafka-dist.js";
import { kafkaRunDir } from "../../../infra/src/paths.js";

export interface OwnKafka {
  brokers: string[];
  port: number;
  /** Sends `signal` to the broker's JVM and waits until it is gone (SIGKILL: no controlled shutdown at all). */
  kill(signal: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts it again on the same port and data folder (what it acknowledged before stays); resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 180_000;

/**
 * Starts a fresh broker on the first of `ports` that is free (each also needs port + 1 for its controller),
 * stopped with this test process even if that is killed.
 */
export async function startOwnKafka(ports: number[]): Promise<OwnKafka> {
  const start = (port: number, fresh: boolean) =>
    ensureKafka({
      port,
      fresh,
      reuse: false,
      stopWithProcess: process.pid,
      heap: "384m",
      startTimeoutMs: START_TIMEOUT_MS,
      log: () => undefined,
    });
  let handle: KafkaHandle | undefined;
  let port: number | undefined;
  for (const p of ports) {
    try {
      handle = await start(p, true);
      port = p;
      break;
    } catch (err) {
      if (!(err instanceof KafkaPortBusyError)) throw err;
    }
  }
  if (handle === undefined || port === undefined) throw new Error(`no free port for the test's own broker among ${ports.join(", ")}`);
  const pidFile = kafkaFiles(kafkaRunDir(port)).pidFile;
  const thePort = port;
  let current: KafkaHandle = handle;
  return {
    brokers: current.brokers,
    port,
    async kill(signal) {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      if (!(Number.isInteger(pid) && pid > 0 && isAlive(pid)))
        throw new Error(`the test's broker on ${thePort} is not running (pid file ${pidFile})`);
      process.kill(pid, signal);
      await pollUntil(() => !isAlive(pid), { timeoutMs: 60_000, intervalMs: 100, message: `broker pid ${pid} gone after ${signal}` });
    },
    async restart() {
      current = await start(thePort, false);
    },
    async stop() {
      await current.stop();
    },
  };
}
