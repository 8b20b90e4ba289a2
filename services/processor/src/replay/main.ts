import { loadScoreguardConfig } from "@sg/config";
import { resolveLocalInfra } from "@sg/infra";
import { parseReplayArgs, UsageError } from "./args.js";
import { readEventsFile } from "./read-events.js";
import { runReplay } from "./run-replay.js";

/** `npm run --silent replay -- --events FILE.jsonl [--at ISO-8601] [--config FILE]`: stdout is one JSON document. */
async function main(): Promise<number> {
  const args = parseReplayArgs(process.argv.slice(2));
  const config = args.config ? loadScoreguardConfig(args.config) : {};
  let read;
  try {
    read = readEventsFile(args.events);
  } catch (err) {
    process.stderr.write(`replay: cannot read ${args.events}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  if (read.errors.length > 0) {
    for (const e of read.errors.slice(0, 50)) process.stderr.write(`${args.events}: ${e}\n`);
    if (read.errors.length > 50) process.stderr.write(`… and ${read.errors.length - 50} more bad lines\n`);
    return 1;
  }
  const asOfMs = args.atMs ?? read.latestAtMs;
  if (asOfMs === undefined) {
    process.stderr.write(`replay: ${args.events} has no events and no --at was given\n`);
    return 1;
  }
  const infra = await resolveLocalInfra();
  for (const n of infra.notes) process.stderr.write(`replay: ${n}\n`);
  const out = await runReplay({ read, asOfMs, config, brokers: infra.brokers, redisUrl: infra.redisUrl });
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`replay: ${err.message}\n`);
    else process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
