// A local Kafka cluster of several KRaft nodes, each broker and controller (combined mode), from the same
// Maven jars as the single broker (kafka.ts). Node i (0-based) listens on port + 2i and its controller on
// port + 2i + 1, with its own run folder (infra/.run/kafka-<port + 2i>). With 3 nodes every topic has 3
// replicas and needs 2 in sync (kafka-dist.ts `replicationFor`), so any one node may die.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createKafka, logLevel } from "@sg/kafka";
import { parseInfraEnv } from "./env.js";
import {
  defaultLog,
  isAlive,
  livePid,
  once,
  sleep,
  spawnDaemon,
  stopPid,
  stopWhenGone,
  tcpOpen,
  waitReady,
  writePidFile,
} from "./daemon.js";
import {
  ensureFormatted,
  ensureKafkaJars,
  findJava,
  jvmArgs,
  kafkaFiles,
  kafkaVersion,
  newClusterId,
  writeKafkaConfig,
  type KafkaFiles,
} from "./kafka-dist.js";
import { kafkaAnswers, KafkaPortBusyError, warmUpKafka } from "./kafka.js";
import { kafkaRunDir, shown } from "./paths.js";

export type EnsureKafkaClusterOptions = {
  /** How many nodes; 1 is the single broker's layout with cluster tooling. */
  brokers: number;
  /** Client port of node 0. Default: env KAFKA_PORT, else 9092. */
  port?: number;
  log?: (msg: string) => void;
  /** Start every node from empty storage. Default false (a stopped cluster comes back with its data). */
  fresh?: boolean;
  /** Default 180s: several cold JVMs on two cores. */
  startTimeoutMs?: number;
  /** JVM max heap of each node. Default "384m". */
  heap?: string;
  /** Reuse a cluster whose first node already answers (default true); false throws `KafkaPortBusyError`. */
  reuse?: boolean;
  /** Stop the nodes started here once this process exits, even if it is killed (a test run's pid). */
  stopWithProcess?: number;
};

export type KafkaNode = { nodeId: number; port: number; controllerPort: number; files: KafkaFiles };

export type KafkaClusterHandle = {
  brokers: string[];
  nodes: KafkaNode[];
  /** False when a running cluster was reused; `stop()` then does nothing. */
  started: boolean;
  /** The live pid of a node, if it runs. */
  pidOf(nodeId: number): number | undefined;
  /** Sends `signal` to one node's JVM and waits until it is gone (SIGKILL: no controlled shutdown). */
  kill(nodeId: number, signal: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Starts a stopped node again on its port and data; resolves once it answers. */
  restart(nodeId: number): Promise<void>;
  stop(): Promise<void>;
};

export function kafkaClusterNodes(port: number, brokers: number): KafkaNode[] {
  return Array.from({ length: brokers }, (_, i) => ({
    nodeId: i + 1,
    port: port + 2 * i,
    controllerPort: port + 2 * i + 1,
    files: kafkaFiles(kafkaRunDir(port + 2 * i)),
  }));
}

export async function ensureKafkaCluster(options: EnsureKafkaClusterOptions): Promise<KafkaClusterHandle> {
  const log = options.log ?? defaultLog;
  const port = options.port ?? parseInfraEnv().KAFKA_PORT ?? 9092;
  if (!Number.isInteger(options.brokers) || options.brokers < 1 || options.brokers > 9)
    throw new Error(`--brokers must be 1..9, got ${options.brokers}`);
  const nodes = kafkaClusterNodes(port, options.brokers);
  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  const timeoutMs = options.startTimeoutMs ?? 180_000;
  const heap = options.heap ?? "384m";
  const pidOf = (nodeId: number) => {
    const n = nodes[nodeId - 1];
    return n && livePid(n.files.pidFile, n.files.serverProperties);
  };
  const handle = (started: boolean, stop: () => Promise<void>): KafkaClusterHandle => ({
    brokers,
    nodes,
    started,
    pidOf,
    async kill(nodeId, signal) {
      const pid = pidOf(nodeId);
      if (pid === undefined) throw new Error(`kafka node ${nodeId} is not running`);
      process.kill(pid, signal);
      const deadline = Date.now() + 60_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`kafka node ${nodeId} (pid ${pid}) still runs 60s after ${signal}`);
        await sleep(100);
      }
    },
    async restart(nodeId) {
      const n = nodes[nodeId - 1];
      if (!n) throw new Error(`no kafka node ${nodeId}`);
      if (pidOf(nodeId) !== undefined) throw new Error(`kafka node ${nodeId} still runs`);
      const jars = await ensureKafkaJars(log);
      const d = spawnNode(n, jars, heap, options.stopWithProcess);
      await waitReady({
        what: `Kafka node ${n.nodeId} (pid ${d.daemon.pid})`,
        daemon: d.daemon,
        logFile: n.files.logFile,
        timeoutMs,
        intervalMs: 250,
        ready: () => kafkaAnswers([`127.0.0.1:${n.port}`]),
      });
    },
    stop,
  });

  if (await kafkaAnswers([brokers[0]!])) {
    if (options.reuse === false) throw new KafkaPortBusyError(port, `kafka: a broker already answers on ${brokers[0]}`);
    log(`kafka: reusing the cluster that answers on ${brokers[0]}`);
    return handle(false, async () => undefined);
  }
  for (const n of nodes) {
    for (const p of [n.port, n.controllerPort]) {
      if (await tcpOpen(p)) throw new KafkaPortBusyError(p, `kafka: port ${p} on 127.0.0.1 is taken; stop it or set KAFKA_PORT`);
    }
  }
  const started = Date.now();
  const jars = await ensureKafkaJars(log);
  const java = findJava(parseInfraEnv().JAVA_HOME);
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(",");
  // A node formatted with another cluster's id would never join: a fresh start formats all of them anew.
  const fresh = options.fresh === true || nodes.some((n) => !existingData(n));
  const clusterId = newClusterId();
  await Promise.all(
    nodes.map(async (n) => {
      mkdirSync(n.files.dir, { recursive: true });
      writeKafkaConfig(n.files, n.port, n.controllerPort, { nodeId: n.nodeId, voters, size: nodes.length });
      await ensureFormatted({ java, jars, files: n.files, fresh, log, clusterId });
    }),
  );
  log(
    `kafka: starting a ${nodes.length}-node Kafka ${kafkaVersion()} cluster on ${brokers.join(",")} (logs: ${shown(nodes[0]!.files.dir)}…)`,
  );
  const daemons = nodes.map((n) => spawnNode(n, jars, heap, options.stopWithProcess));
  const stop = once(async () => {
    await Promise.all(
      nodes.map(async (n) => {
        const pid = pidOf(n.nodeId);
        if (pid !== undefined) await stopPid(pid, 30_000);
        rmSync(n.files.pidFile, { force: true });
      }),
    );
  });
  try {
    await Promise.all(
      daemons.map((d, i) =>
        waitReady({
          what: `Kafka node ${nodes[i]!.nodeId} (pid ${d.daemon.pid})`,
          daemon: d.daemon,
          logFile: nodes[i]!.files.logFile,
          timeoutMs,
          intervalMs: 500,
          ready: () => kafkaAnswers([brokers[i]!]),
        }),
      ),
    );
    await waitForBrokers(brokers, nodes.length, timeoutMs);
    await warmUpKafka(brokers, timeoutMs);
  } catch (err) {
    await stop();
    // A port free when checked can be taken before the JVM binds it (these ports lie in the kernel's
    // ephemeral range, so any outgoing connection may hold one): the caller may try other ports.
    if (err instanceof Error && /Address already in use/.test(err.message))
      throw new KafkaPortBusyError(
        port,
        `kafka: a port of ${brokers.join(",")} was taken while the nodes started: ${err.message.slice(0, 200)}`,
      );
    throw err;
  }
  log(`kafka: ${nodes.length} nodes ready on ${brokers.join(",")} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return handle(true, stop);
}

function existingData(n: KafkaNode): boolean {
  try {
    return readFileSync(join(n.files.dataDir, "meta.properties"), "utf8").includes("cluster.id");
  } catch {
    // No storage yet: the cluster is formatted.
    return false;
  }
}

function spawnNode(n: KafkaNode, jars: string, heap: string, stopWithProcess: number | undefined) {
  const java = findJava(parseInfraEnv().JAVA_HOME);
  const daemon = spawnDaemon(java, [...jvmArgs(n.files, heap), "-cp", `${jars}/*`, "kafka.Kafka", n.files.serverProperties], {
    logFile: n.files.logFile,
    cwd: n.files.dir,
  });
  writePidFile(n.files.pidFile, daemon.pid);
  if (stopWithProcess !== undefined) stopWhenGone(stopWithProcess, daemon.pid);
  return { daemon };
}

/** Waits until the cluster's metadata lists all `size` brokers (each answering alone is not enough for RF 3). */
async function waitForBrokers(brokers: string[], size: number, timeoutMs: number): Promise<void> {
  const admin = createKafka({ brokers, clientId: "sg-infra-cluster", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { brokers: seen } = await admin.describeCluster();
      if (seen.length >= size) return;
      if (Date.now() > deadline) throw new Error(`kafka: only ${seen.length} of ${size} brokers registered`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}
