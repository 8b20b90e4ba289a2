import { readFileSync } from "node:fs";
import { formatProblems, parseEvent, toMillis, type CanonicalEvent } from "@sg/events";

export interface ReadEvents {
  /** Each valid line's parsed JSON as written (extra fields kept), with its event. */
  lines: { raw: string; event: CanonicalEvent }[];
  errors: string[];
  latestAtMs: number | undefined;
}

/** Reads a JSON Lines file of canonical events; every bad line is reported with its number and field. */
export function readEventsFile(path: string): ReadEvents {
  const text = readFileSync(path, "utf8");
  const out: ReadEvents = { lines: [], errors: [], latestAtMs: undefined };
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      out.errors.push(`line ${n}: malformed JSON: ${(err as Error).message}`);
      return;
    }
    const r = parseEvent(json);
    if (!r.ok) {
      out.errors.push(`line ${n}: ${formatProblems(r.problems)}`);
      return;
    }
    out.lines.push({ raw: JSON.stringify(json), event: r.event });
    const at = toMillis(r.event.at);
    if (out.latestAtMs === undefined || at > out.latestAtMs) out.latestAtMs = at;
  });
  return out;
}
