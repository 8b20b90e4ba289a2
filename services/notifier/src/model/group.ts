import { createHash } from "node:crypto";
import { alertKey, type AlertRecord } from "@sg/events";
import type { Mentions } from "../channels/channel.js";
import type { Notification, NotificationAlert } from "./types.js";

/**
 * One notification group (alerts.md "Grouping"), as pure data. Every function here maps a state and a
 * clock reading to a new state, so the whole model is unit-tested without Redis; state/group-store.ts
 * persists it with compare-and-set.
 */
export interface AlertEntry {
  key: string;
  /** Latest record applied to this group. */
  record: AlertRecord;
  /** `at` of the record that started this firing (Alertmanager's `startsAt`). */
  firingSince: string;
  /**
   * firing: notify as firing. resolving: a resolve arrived for an alert whose firing went out; held for
   * `resolveAfter` (hysteresis) and still shown as firing. resolved: the hold ran out; notify as resolved.
   */
  phase: "firing" | "resolving" | "resolved";
  /** Notifier clock (ms) when the resolve arrived. */
  resolvingSince?: number;
}

/** What the last notification said about an alert: it went out as firing, with this severity. */
export interface SentEntry {
  severity: AlertRecord["severity"];
  seq: number;
}

export interface GroupState {
  v: 1;
  id: string;
  route: string;
  groupKey: string;
  labels: Record<string, string>;
  createdAt: number;
  alerts: Record<string, AlertEntry>;
  sent: Record<string, SentEntry>;
  lastFlushAt: number | null;
  flushSeq: number;
  /** Notifications flushed but not yet acknowledged by each receiver (in the group's slot, so a flush is one atomic write). */
  outbox: Record<string, Notification[]>;
  /** When the ticker must look at this group again (epoch ms). */
  nextAt: number;
}

/** The route settings the model needs, durations in ms (config defaults: 30 s, 5 min, 4 h, 60 s). */
export interface GroupTiming {
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  resolveAfter: number;
}

export interface GroupRoute extends GroupTiming {
  id: string;
  receivers: readonly string[];
  mentions: Mentions;
}

/** Why an alert is not sent right now; `until` is when that may change (null: unknown, recheck). */
export type Mute = { reason: "silenced" | "inhibited" | "quiet"; until: number | null };
export type MuteFn = (entry: AlertEntry) => Mute | null;

export interface EvalOptions {
  now: number;
  route: GroupRoute;
  mute: MuteFn;
  /** How soon to look again at a group with muted alerts or undelivered notifications. */
  recheckMs: number;
}

export function newGroup(id: string, route: { id: string }, groupKey: string, labels: Record<string, string>, now: number): GroupState {
  return {
    v: 1,
    id,
    route: route.id,
    groupKey,
    labels,
    createdAt: now,
    alerts: {},
    sent: {},
    lastFlushAt: null,
    flushSeq: 0,
    outbox: {},
    nextAt: now,
  };
}

export function fingerprint(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

function clone(s: GroupState): GroupState {
  return structuredClone(s);
}

export function isEmpty(s: GroupState): boolean {
  return Object.keys(s.alerts).length === 0 && Object.keys(s.outbox).length === 0;
}

/**
 * Applies one record of `sg.alerts`. Records no newer than what the group holds change nothing
 * (alerts.md "Identity and dedup"). A resolve of an alert whose firing never went out drops it, so an
 * alert that fires and resolves inside `group_wait` sends nothing; otherwise the resolve is held for
 * `resolveAfter`, and a new firing inside that hold cancels it (hysteresis). Returns null for "no group".
 */
export function applyRecord(
  state: GroupState | null,
  rec: AlertRecord,
  now: number,
  timing: GroupTiming,
  create: () => GroupState,
): GroupState | null {
  const key = alertKey(rec);
  const entry = state?.alerts[key];
  if (entry && entry.record.seq >= rec.seq) return state;
  if (rec.status === "resolved") {
    if (state === null || entry === undefined) return state;
    const s = clone(state);
    if (!s.sent[key]) {
      delete s.alerts[key];
    } else {
      s.alerts[key] = {
        ...entry,
        record: rec,
        phase: timing.resolveAfter === 0 ? "resolved" : "resolving",
        resolvingSince: now,
      };
    }
    return finish(s, now, timing);
  }
  const s = state === null ? create() : clone(state);
  s.alerts[key] =
    entry === undefined
      ? { key, record: rec, firingSince: rec.at, phase: "firing" }
      : { key, record: rec, firingSince: entry.firingSince, phase: "firing" };
  return finish(s, now, timing);
}

/** Drops an alert that no longer belongs to this group (it moved to another route or group); nothing is sent. */
export function forgetAlert(state: GroupState, key: string, now: number, timing: GroupTiming): GroupState | null {
  if (!state.alerts[key] && !state.sent[key]) return state;
  const s = clone(state);
  delete s.alerts[key];
  delete s.sent[key];
  return finish(s, now, timing);
}

function finish(s: GroupState, now: number, timing: GroupTiming): GroupState | null {
  if (isEmpty(s)) return null;
  s.nextAt = nextWake(s, now, timing, () => null, timing.groupInterval);
  return s;
}

function visibleFiring(s: GroupState, mute: MuteFn): AlertEntry[] {
  return Object.values(s.alerts).filter((e) => e.phase !== "resolved" && mute(e) === null);
}

function resolvedToSend(s: GroupState): AlertEntry[] {
  return Object.values(s.alerts).filter((e) => e.phase === "resolved" && s.sent[e.key] !== undefined);
}

/** Whether the next notification would differ from the last one: a new or re-graded firing alert, or a resolve. */
export function hasChange(s: GroupState, mute: MuteFn): boolean {
  if (resolvedToSend(s).length > 0) return true;
  return visibleFiring(s, mute).some((e) => s.sent[e.key]?.severity !== e.record.severity);
}

/** The earliest moment at which evaluating the group could do something. */
export function nextWake(s: GroupState, now: number, timing: GroupTiming, mute: MuteFn, recheckMs: number): number {
  let t = Number.POSITIVE_INFINITY;
  for (const e of Object.values(s.alerts)) {
    if (e.phase === "resolving" && e.resolvingSince !== undefined) t = Math.min(t, e.resolvingSince + timing.resolveAfter);
    const m = e.phase === "resolved" ? null : mute(e);
    if (m) t = Math.min(t, m.until ?? now + recheckMs);
  }
  if (hasChange(s, mute)) t = Math.min(t, s.lastFlushAt === null ? s.createdAt + timing.groupWait : s.lastFlushAt + timing.groupInterval);
  if (s.lastFlushAt !== null && visibleFiring(s, mute).some((e) => s.sent[e.key])) t = Math.min(t, s.lastFlushAt + timing.repeatInterval);
  if (Object.keys(s.outbox).length > 0) t = Math.min(t, now + recheckMs);
  // Nothing scheduled (e.g. only alerts whose firing was never sent and that are muted): look again later.
  if (!Number.isFinite(t)) t = now + recheckMs;
  return Math.max(t, now);
}

export interface EvalResult {
  state: GroupState | null;
  notification: Notification | null;
}

/**
 * The ticker's step for a due group: ends hysteresis holds, and flushes when the timers allow it
 * (`group_wait` before the first message, `group_interval` between updates, `repeat_interval` for an
 * unchanged firing group). A flush puts the notification in every receiver's outbox, marks what was sent,
 * and drops resolved alerts, all in the returned state.
 */
export function evaluateGroup(state: GroupState, opts: EvalOptions): EvalResult {
  const { now, route, mute } = opts;
  const s = clone(state);
  for (const e of Object.values(s.alerts)) {
    if (e.phase === "resolving" && e.resolvingSince !== undefined && e.resolvingSince + route.resolveAfter <= now) e.phase = "resolved";
    // A resolved alert that never went out (muted all along) is dropped silently.
    if (e.phase === "resolved" && !s.sent[e.key]) delete s.alerts[e.key];
  }

  const firing = visibleFiring(s, mute);
  const resolved = resolvedToSend(s);
  const changed = hasChange(s, mute);
  const due =
    s.lastFlushAt === null
      ? changed && now >= s.createdAt + route.groupWait
      : (changed && now >= s.lastFlushAt + route.groupInterval) || (firing.length > 0 && now >= s.lastFlushAt + route.repeatInterval);

  let notification: Notification | null = null;
  if (due && (firing.length > 0 || resolved.length > 0)) {
    s.flushSeq += 1;
    const alerts: NotificationAlert[] = [
      ...firing.map((e) => ({
        key: e.key,
        fingerprint: fingerprint(e.key),
        status: "firing" as const,
        record: e.record,
        startsAt: e.firingSince,
      })),
      ...resolved.map((e) => ({
        key: e.key,
        fingerprint: fingerprint(e.key),
        status: "resolved" as const,
        record: e.record,
        startsAt: e.firingSince,
        endsAt: e.record.at,
      })),
    ];
    notification = {
      id: `${s.id}#${s.flushSeq}`,
      groupId: s.id,
      groupKey: s.groupKey,
      route: s.route,
      groupLabels: s.labels,
      status: firing.length > 0 ? "firing" : "resolved",
      alerts,
      mentions: route.mentions,
      createdAt: now,
    };
    for (const e of firing) s.sent[e.key] = { severity: e.record.severity, seq: e.record.seq };
    for (const e of resolved) {
      delete s.sent[e.key];
      delete s.alerts[e.key];
    }
    for (const r of route.receivers) s.outbox[r] = [supersede(s.outbox[r], notification)];
    s.lastFlushAt = now;
  }

  if (isEmpty(s)) return { state: null, notification };
  s.nextAt = nextWake(s, now, route, mute, opts.recheckMs);
  return { state: s, notification };
}

/**
 * A robot that has not taken the group's previous notification yet gets only the newest one: it states
 * the whole group, plus the resolved alerts the older one announced, so nothing is lost and a backed-up
 * robot is not sent stale states (the outbox stays at one notification per group and receiver).
 */
function supersede(queued: readonly Notification[] | undefined, next: Notification): Notification {
  if (!queued || queued.length === 0) return next;
  const keys = new Set(next.alerts.map((a) => a.key));
  const carried: NotificationAlert[] = [];
  for (const a of queued.flatMap((n) => n.alerts)) {
    if (a.status === "resolved" && !keys.has(a.key)) {
      keys.add(a.key);
      carried.push(a);
    }
  }
  return carried.length === 0 ? next : { ...next, alerts: [...next.alerts, ...carried] };
}

/** A receiver acknowledged (delivered, or gave up on) these notifications. */
export function ackOutbox(state: GroupState, receiver: string, ids: ReadonlySet<string>): GroupState | null {
  const queued = state.outbox[receiver];
  if (!queued || !queued.some((n) => ids.has(n.id))) return state;
  const s = clone(state);
  const rest = queued.filter((n) => !ids.has(n.id));
  if (rest.length > 0) s.outbox[receiver] = rest;
  else delete s.outbox[receiver];
  return isEmpty(s) ? null : s;
}
