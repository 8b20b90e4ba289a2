import { parseArgs } from "node:util";
import { EventTime, toMillis } from "@sg/events";

export interface ReplayArgs {
  events: string;
  atMs?: number;
  config?: string;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = "usage: npm run --silent replay -- --events FILE.jsonl [--at ISO-8601] [--config FILE]";

/** Parses `replay`'s arguments (events.md "The `replay` command"). */
export function parseReplayArgs(argv: string[]): ReplayArgs {
  let values: { events?: string; at?: string; config?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { events: { type: "string" }, at: { type: "string" }, config: { type: "string" } },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (!values.events) throw new UsageError(`--events is required\n${USAGE}`);
  const out: ReplayArgs = { events: values.events };
  if (values.at !== undefined) {
    const r = EventTime.safeParse(/^\d+$/.test(values.at) ? Number(values.at) : values.at);
    if (!r.success) throw new UsageError(`--at: ${r.error.issues[0]?.message ?? "invalid"} (got "${values.at}")`);
    out.atMs = toMillis(r.data);
  }
  if (values.config) out.config = values.config;
  return out;
}
