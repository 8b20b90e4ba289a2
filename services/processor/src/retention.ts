import { MAX_EVENT_AGE_MS } from "@sg/events";

/**
 * How long the processor keeps what (architecture.md "Retention by entity"), in one place. A shop's records
 * and day aggregates are kept as long as the longest window among the packs selectable for its platform needs
 * (retentionFor): 32 days where the longest is a month, 92 where a pack has a 90-day window. A platform
 * without a 90-day window never keeps longer (the memory budget counts every retained day).
 */
const DAY_MS = 86_400_000;

/** What one platform's shops keep: its records, state keys and day aggregates. */
export interface Retention {
  /** Days a closed entity (signed order, finished after-sale, a consumer's past days) is kept after its last fact. */
  keepDays: number;
  closedKeepMs: number;
  /** A shop's state keys (records, timers, pending) live this long after their last write. */
  stateTtlSeconds: number;
  /** A day's aggregates are kept twice the retention after their last write. */
  dayTtlSeconds: number;
}

/**
 * The retention for a longest window of `longestWindowDays`: a month (31 days) and shorter keep 32 days (a
 * day of slack covers a window read just before midnight); a longer window keeps its days and two more (an
 * item counts on the day of its first fact, which may open the window's first day, read late on its last).
 */
export function retentionFor(longestWindowDays: number): Retention {
  if (longestWindowDays * DAY_MS > MAX_EVENT_AGE_MS)
    throw new Error(`a ${longestWindowDays}-day window is longer than the retention of events (${MAX_EVENT_AGE_MS / DAY_MS} days)`);
  const keepDays = longestWindowDays <= 31 ? 32 : longestWindowDays + 2;
  const stateTtlSeconds = (keepDays * DAY_MS) / 1000;
  return { keepDays, closedKeepMs: keepDays * DAY_MS, stateTtlSeconds, dayTtlSeconds: 2 * stateTtlSeconds };
}

/** The retention of a platform whose packs have windows of a month at most (every shipped active pack today). */
export const MONTH_RETENTION = retentionFor(31);

/** A closed entity's retention where the platform's retention is not known (a month's windows). */
export const CLOSED_KEEP_MS = MONTH_RETENTION.closedKeepMs;
/**
 * An open entity is kept this long after its first fact: the retention of @sg/events, past which an event can
 * change no window and is refused (gateway 400, processor dead letter `too_old`).
 */
export const OPEN_KEEP_MS = MAX_EVENT_AGE_MS;
/** Keys that outlive no window of any pack (alert states, snapshot, due marks) live this long after their last write. */
export const STATE_TTL_SECONDS = MONTH_RETENTION.stateTtlSeconds;
/**
 * A seen event id is kept while an event could still carry it: until its event time is older than the
 * retention of @sg/events (such an event is refused as `too_old` before the store); then its entry is dropped.
 */
export const SEEN_ID_KEEP_MS = MAX_EVENT_AGE_MS;
/** The seen-id index of a shop (state/lua) lives this long after its last write: a day past its longest entry. */
export const SEEN_TTL_SECONDS = (SEEN_ID_KEEP_MS + DAY_MS) / 1000;
/** A month's day aggregates (see Retention.dayTtlSeconds). */
export const DAY_TTL_SECONDS = MONTH_RETENTION.dayTtlSeconds;
