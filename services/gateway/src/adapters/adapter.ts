// Shared shape of the platform adapters (style.md "Providers are one folder each, behind one interface"):
// each adapter turns one platform message into an outcome; the route produces the events and counts the rest.
import { parseEvent, toShanghaiIso, type CanonicalEvent, type FieldProblem } from "@sg/events";
import { tryParseLosslessJson } from "../json/lossless-json.js";

export type MessageOutcome =
  /** Canonical events to produce (validated against `@sg/events`). */
  | { outcome: "mapped"; events: CanonicalEvent[] }
  /** The platform's own test message: answer success, produce nothing. */
  | { outcome: "test" }
  /** A known message kind that has no canonical event (acknowledged, counted). */
  | { outcome: "ignored"; reason: string }
  /** A message kind this adapter does not know (acknowledged, counted). */
  | { outcome: "unknown"; reason: string }
  /** A known kind whose content is wrong (acknowledged, counted, dead-lettered with the field). */
  | { outcome: "invalid"; problems: FieldProblem[] };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Epoch values below this are seconds (2001-09-09 in ms is 1e12); platforms mix both units. */
const SECONDS_BELOW = 100_000_000_000;

/**
 * Reads fields of one platform object, collecting problems by dotted path instead of throwing, so one
 * answer can name every bad field.
 */
export class Fields {
  readonly problems: FieldProblem[] = [];

  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly prefix = "",
  ) {}

  private path(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  private problem(name: string, reason: string): void {
    this.problems.push({ field: this.path(name), reason });
  }

  has(name: string): boolean {
    return this.obj[name] !== undefined && this.obj[name] !== null;
  }

  /**
   * An id: a non-empty string, or an integer (the lossless parser hands integers beyond 2^53 over as
   * strings already, so none is rounded). Returned as its exact decimal string.
   */
  id(name: string): string {
    const v = this.obj[name];
    if (typeof v === "string" && v.length > 0 && v.length <= 128) return v;
    if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
    this.problem(name, v === undefined || v === null ? "is required" : "must be a non-empty id (string or integer)");
    return "";
  }

  optionalId(name: string): string | undefined {
    return this.has(name) ? this.id(name) : undefined;
  }

  /** An integer, or an integer in a string (platforms send enums both ways). */
  int(name: string): number {
    const v = this.obj[name];
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    if (typeof v === "string" && /^-?\d{1,15}$/.test(v)) return Number(v);
    this.problem(name, v === undefined || v === null ? "is required" : "must be an integer");
    return Number.NaN;
  }

  optionalInt(name: string): number | undefined {
    return this.has(name) ? this.int(name) : undefined;
  }

  /**
   * A time, as epoch milliseconds: epoch seconds or milliseconds (by magnitude), or a date string with an
   * offset, or `YYYY-MM-DD HH:mm:ss` which platforms in China send in Asia/Shanghai time.
   */
  time(name: string): number {
    const v = this.obj[name];
    const ms = parseTime(v);
    if (ms === null) this.problem(name, v === undefined || v === null ? "is required" : "must be a time");
    return ms ?? Number.NaN;
  }

  /** The first of `names` that holds a time; `fallback` (e.g. the receipt time) when none does. */
  firstTime(names: readonly string[], fallback: number): number {
    for (const n of names) {
      const ms = parseTime(this.obj[n]);
      if (ms !== null) return ms;
    }
    return fallback;
  }

  ok(): boolean {
    return this.problems.length === 0;
  }
}

export function parseTime(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) {
    return Math.round(v < SECONDS_BELOW ? v * 1000 : v);
  }
  if (typeof v === "string" && v !== "") {
    if (/^\d{1,15}$/.test(v)) return parseTime(Number(v));
    const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)$/.exec(v);
    const iso = local === null ? v : `${local[1]}T${local[2]}+08:00`;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? null : ms;
  }
  return null;
}

/**
 * Validates built events against the canonical catalog, so an adapter can never produce what the processor
 * would dead-letter. Event times are written as ISO-8601 in Asia/Shanghai.
 */
export function finish(events: Array<Record<string, unknown>>, fields?: Fields): MessageOutcome {
  if (fields !== undefined && !fields.ok()) return { outcome: "invalid", problems: fields.problems };
  const out: CanonicalEvent[] = [];
  for (const e of events) {
    const withTime = typeof e.at === "number" ? { ...e, at: toShanghaiIso(e.at) } : e;
    const r = parseEvent(withTime);
    if (!r.ok) return { outcome: "invalid", problems: r.problems };
    out.push(r.event);
  }
  return { outcome: "mapped", events: out };
}

/** Truncates a payload for a dead-letter record. */
export function cut(payload: string, max = 64 * 1024): string {
  return payload.length <= max ? payload : `${payload.slice(0, max)}…`;
}

/**
 * A JSON object that a platform message carries inside a string field (Douyin `data`, Kuaishou `info`,
 * Pinduoduo `message.content`): the object, or the problem at `field`.
 */
export function embeddedObject(text: string, field: string): { object: Record<string, unknown> } | { problem: FieldProblem } {
  const parsed = tryParseLosslessJson(text);
  if (!parsed.ok) return { problem: { field, reason: `is not JSON: ${parsed.reason}` } };
  return isRecord(parsed.value) ? { object: parsed.value } : { problem: { field, reason: "must be a JSON object in a string" } };
}
