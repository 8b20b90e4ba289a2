// The broker's files: jars from Maven Central (pinned in infra/kafka/pom.xml), its configs and its
// formatted storage.
import { execFile, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { withLockFile, type Log } from "./daemon.js";
import { kafkaCacheDir, kafkaPom, shown } from "./paths.js";

const run = promisify(execFile);

export function kafkaVersion(): string {
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(kafkaPom, "utf8"))?.[1] ?? "unknown";
}

/**
 * The folder of the broker's jars, fetched with Maven only when the pom changed since the last fetch: the
 * marker file holds the hash of the pom the jars came from.
 */
export async function ensureKafkaJars(log: Log): Promise<string> {
  mkdirSync(kafkaCacheDir, { recursive: true });
  // Two brokers on different ports may be started at once; one fetch, the other waits for it.
  return withLockFile(join(kafkaCacheDir, "fetch.lock"), 15 * 60_000, () => fetchJars(log));
}

async function fetchJars(log: Log): Promise<string> {
  const jars = join(kafkaCacheDir, "jars");
  const marker = join(kafkaCacheDir, "jars.pom-sha256");
  const pomHash = createHash("sha256").update(readFileSync(kafkaPom)).digest("hex");
  if (existsSync(jars) && existsSync(marker) && readFileSync(marker, "utf8").trim() === pomHash) return jars;

  const partial = `${jars}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const started = Date.now();
  log(`kafka: fetching the jars of Kafka ${kafkaVersion()} with Maven into ${shown(jars)} (once per pom change; takes a while)`);
  const args = [
    "-B",
    "-q",
    "-Dstyle.color=never",
    "-f",
    kafkaPom,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${partial}`,
  ];
  try {
    await run("mvn", args, { maxBuffer: 32 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("Maven (mvn) is needed to fetch the Kafka broker: apt-get install maven", { cause: err });
    throw new Error(`mvn ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: err });
  }
  rmSync(jars, { recursive: true, force: true });
  renameSync(partial, jars);
  writeFileSync(marker, `${pomHash}\n`);
  log(`kafka: jars fetched in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return jars;
}

/** `$JAVA_HOME/bin/java` or `java`, checked to be Java 17 or newer. */
export function findJava(javaHome: string | undefined): string {
  const java = javaHome ? join(javaHome, "bin", "java") : "java";
  const r = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 30_000 });
  if (r.error) {
    throw new Error(`Java 17+ is needed to run Kafka (${java}: ${r.error.message}): apt-get install openjdk-17-jdk-headless`, {
      cause: r.error,
    });
  }
  const major = Number(/version "(?:1\.)?(\d+)/.exec(r.stderr)?.[1]);
  if (!(major >= 17)) throw new Error(`Kafka ${kafkaVersion()} needs Java 17+, ${java} is: ${r.stderr.split("\n")[0]}`);
  return java;
}

export type KafkaFiles = { dir: string; dataDir: string; serverProperties: string; log4j: string; logFile: string; pidFile: string };

export function kafkaFiles(dir: string): KafkaFiles {
  return {
    dir,
    dataDir: join(dir, "data"),
    serverProperties: join(dir, "server.properties"),
    log4j: join(dir, "log4j2.properties"),
    logFile: join(dir, "kafka.log"),
    pidFile: join(dir, "kafka.pid"),
  };
}

/**
 * One node of a local KRaft cluster (kafka-cluster.ts): its id, the quorum's voters (`id@host:port,…`), and
 * how many brokers the cluster has, from which the replication settings follow.
 */
export type KafkaClusterMember = { nodeId: number; voters: string; size: number };

/**
 * The replication a cluster of `size` brokers gives every topic (docs/operations.md "Replicated Kafka and Redis"): 3
 * replicas and 2 in sync for an acknowledged write once there are 3 brokers, so one broker may die; fewer
 * brokers, one copy each.
 */
export function replicationFor(size: number): { replicationFactor: number; minInsyncReplicas: number } {
  return size >= 3 ? { replicationFactor: 3, minInsyncReplicas: 2 } : { replicationFactor: 1, minInsyncReplicas: 1 };
}

/**
 * Writes a KRaft config listening on 127.0.0.1 only: a single node that is broker and controller, or with
 * `member` one node of a cluster whose nodes are all broker and controller (combined mode).
 */
export function writeKafkaConfig(files: KafkaFiles, port: number, controllerPort: number, member?: KafkaClusterMember): void {
  mkdirSync(files.dir, { recursive: true });
  const { replicationFactor, minInsyncReplicas } = replicationFor(member?.size ?? 1);
  const rf = String(replicationFactor);
  const isr = String(minInsyncReplicas);
  const props = {
    "process.roles": "broker,controller",
    "node.id": String(member?.nodeId ?? 1),
    "controller.quorum.voters": member?.voters ?? `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "inter.broker.listener.name": "PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": files.dataDir,
    "num.partitions": "1",
    "default.replication.factor": rf,
    "min.insync.replicas": isr,
    // Never elect a replica that missed acknowledged writes (the default, stated because it is the point).
    "unclean.leader.election.enable": "false",
    // Topics are created by ensureTopics with explicit partition counts, never by a typo in a name.
    "auto.create.topics.enable": "false",
    // Internal topics replicated as the cluster's own. Fewer partitions than the default 50 make the
    // first consumer group and the first idempotent producer start in a fraction of the time.
    "offsets.topic.replication.factor": rf,
    "offsets.topic.num.partitions": "5",
    "transaction.state.log.replication.factor": rf,
    "transaction.state.log.min.isr": isr,
    "transaction.state.log.num.partitions": "5",
    "share.coordinator.state.topic.replication.factor": rf,
    "share.coordinator.state.topic.min.isr": isr,
    // A cluster fences a dead broker (and moves its leaderships) after 6 s instead of 9 s.
    ...(member ? { "broker.session.timeout.ms": "6000", "broker.heartbeat.interval.ms": "1000" } : {}),
    // Tests and local runs join groups constantly; the 3s default delay only slows them down.
    "group.initial.rebalance.delay.ms": "0",
    // Two cores on the reference machine (architecture.md).
    "num.network.threads": "2",
    "num.io.threads": "2",
  };
  writeFileSync(
    files.serverProperties,
    `# Written by infra/src/kafka-dist.ts on every start; edit that file, not this one.\n${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n")}\n`,
  );
  writeFileSync(
    files.log4j,
    [
      "status = warn",
      "appender.out.type = Console",
      "appender.out.name = OUT",
      "appender.out.layout.type = PatternLayout",
      "appender.out.layout.pattern = [%d] %p %m (%c)%n",
      "rootLogger.level = INFO",
      "rootLogger.appenderRef.out.ref = OUT",
      // Per-request and per-partition chatter at INFO would dwarf everything else.
      "logger.state.name = state.change.logger",
      "logger.state.level = WARN",
      "logger.request.name = kafka.request.logger",
      "logger.request.level = WARN",
      "",
    ].join("\n"),
  );
}

/** A Kafka cluster id: 16 random bytes, base64url without padding, never starting with '-' (as Uuid.randomUuid). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

export function jvmArgs(files: KafkaFiles, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    "-Xms128m",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${files.log4j}`,
  ];
}

/**
 * Formats the storage once into `<dir>/formatted`, then copies it to the data folder when that is missing
 * (or `fresh`), so a fresh start costs a copy instead of a JVM run.
 */
export async function ensureFormatted(opts: {
  java: string;
  jars: string;
  files: KafkaFiles;
  fresh: boolean;
  log: Log;
  /** The nodes of a cluster share one id: each is formatted with it straight into its data folder. */
  clusterId?: string;
}): Promise<void> {
  const { files } = opts;
  if (opts.fresh) rmSync(files.dataDir, { recursive: true, force: true });
  if (existsSync(join(files.dataDir, "meta.properties"))) return;
  if (opts.clusterId !== undefined) {
    await formatStorage(opts, files.serverProperties, opts.clusterId);
    return;
  }
  const pristine = join(files.dir, "formatted");
  if (!existsSync(join(pristine, "meta.properties"))) {
    rmSync(pristine, { recursive: true, force: true });
    // Format with log.dirs pointing at the pristine folder; the copy is what the broker uses.
    const formatProps = join(files.dir, "format.properties");
    writeFileSync(formatProps, readFileSync(files.serverProperties, "utf8").replace(/^log\.dirs=.*$/m, `log.dirs=${pristine}`));
    opts.log(`kafka: formatting KRaft storage in ${shown(pristine)}`);
    await formatStorage(opts, formatProps, newClusterId());
  }
  rmSync(files.dataDir, { recursive: true, force: true });
  cpSync(pristine, files.dataDir, { recursive: true });
}

async function formatStorage(opts: { java: string; jars: string; files: KafkaFiles }, props: string, id: string): Promise<void> {
  const args = [...jvmArgs(opts.files, "256m"), "-cp", join(opts.jars, "*"), "kafka.tools.StorageTool", "format", "-t", id, "-c", props];
  try {
    await run(opts.java, args, { maxBuffer: 8 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`formatting Kafka storage failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: err });
  }
}
