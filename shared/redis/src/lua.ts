import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { parseLuaContract } from "./lua-header.js";

export type LuaScriptInfo = { name: string; file: string; numberOfKeys: number };

/** A script name must be usable as a method name on the client (`loadEntities.lua` → `redis.loadEntities`). */
const SCRIPT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function dirPath(dir: URL | string): string {
  if (dir instanceof URL) return fileURLToPath(dir);
  return dir.startsWith("file:") ? fileURLToPath(dir) : dir;
}

/**
 * Registers every `*.lua` file of a folder with ioredis `defineCommand` under the file's base name, with
 * the number of keys read from its contract header. `defineCommand` runs EVALSHA and falls back to EVAL
 * on NOSCRIPT, and also adds the command to pipelines. Throws on a file without a valid header.
 *
 * Usage: `defineLuaScripts(redis, new URL("./lua/", import.meta.url))`, then wrap each command in a typed
 * function (see `callLuaScript`,
 * `queueLuaScript`).
 */
export function defineLuaScripts(redis: Redis | Cluster, dirUrl: URL | string): LuaScriptInfo[] {
  const dir = dirPath(dirUrl);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".lua"))
    .sort();
  if (files.length === 0) throw new Error(`defineLuaScripts: no *.lua file in ${dir}`);
  // Parse all before defining any, so a bad file leaves the client untouched.
  const scripts = files.map((f) => {
    const file = join(dir, f);
    const name = basename(f, ".lua");
    if (!SCRIPT_NAME.test(name)) throw new Error(`${file}: script file names must be identifiers, e.g. loadEntities.lua`);
    const lua = readFileSync(file, "utf8");
    const { numberOfKeys, variadic } = parseLuaContract(lua, file);
    return { name, file, lua, numberOfKeys, variadic };
  });
  for (const s of scripts) {
    // A variadic script gets its key count from each call (see withKeyCount).
    if (s.variadic) VARIADIC.add(s.name);
    redis.defineCommand(s.name, s.variadic ? { lua: s.lua } : { lua: s.lua, numberOfKeys: s.numberOfKeys });
  }
  return scripts.map(({ name, file, numberOfKeys }) => ({ name, file, numberOfKeys }));
}

type LuaArg = string | number | Buffer;

/** Names of scripts whose headers end with `KEYS[n..]`: their calls lead with the number of keys. */
const VARIADIC = new Set<string>();

function withKeyCount(name: string, keys: readonly string[], args: readonly LuaArg[]): LuaArg[] {
  return VARIADIC.has(name) ? [keys.length, ...keys, ...args] : [...keys, ...args];
}

function scriptFunction(target: object, name: string): (...a: LuaArg[]) => unknown {
  const fn = (target as Record<string, unknown>)[name];
  if (typeof fn !== "function") {
    throw new Error(`Lua script "${name}" is not defined on this client; call defineLuaScripts first`);
  }
  return fn as (...a: LuaArg[]) => unknown;
}

/**
 * Runs a script registered by `defineLuaScripts`: `callLuaScript(redis, "loadEntities", [k1, k2], [a1])`.
 * Typed wrappers per script are built on this, so nobody writes `(redis as any).loadEntities` or `evalsha`.
 */
export function callLuaScript<T = unknown>(
  redis: Redis | Cluster,
  name: string,
  keys: readonly string[],
  args: readonly LuaArg[],
): Promise<T> {
  return scriptFunction(redis, name).apply(redis, withKeyCount(name, keys, args)) as Promise<T>;
}

/** Queues a registered script on a pipeline or multi (`redis.pipeline()`); its reply comes from `exec()`. */
export function queueLuaScript(
  pipeline: ChainableCommander,
  name: string,
  keys: readonly string[],
  args: readonly LuaArg[],
): ChainableCommander {
  return scriptFunction(pipeline, name).apply(pipeline, withKeyCount(name, keys, args)) as ChainableCommander;
}
