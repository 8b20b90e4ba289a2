import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The infra/ folder; everything infra writes stays under it (both caches are git-ignored). */
export const infraDir = fileURLToPath(new URL("..", import.meta.url));
export const kafkaPom = join(infraDir, "kafka", "pom.xml");
/** Broker jars fetched by Maven, kept across runs. */
export const kafkaCacheDir = join(infraDir, "kafka", ".cache");
/** Pid files, configs, logs and data of the processes infra starts. */
export const runDir = join(infraDir, ".run");

export function kafkaRunDir(port: number): string {
  return join(runDir, `kafka-${port}`);
}

/** The data folder (append-only file) of the redis-server that `npm start` and `infra:up` run on `port`; kept across restarts. */
export function redisDataDir(port: number): string {
  return join(runDir, `redis-data-${port}`);
}

export function redisStateFile(port: number): string {
  return join(runDir, `redis-${port}.json`);
}

/** A path relative to the repository root, for messages. */
export function shown(path: string): string {
  const repo = join(infraDir, "..");
  return path.startsWith(repo) ? path.slice(repo.length + 1) : path;
}
