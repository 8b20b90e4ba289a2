import { MAX_EVENT_AGE_MS } from "@sg/events";

/**
 * How long the processor keeps what (architecture.md "Retention by entity"), in one place. The longest window
 * is a month (31 days); a day of slack covers a window read just before midnight.
 */
const DAY_MS = 86_400_000;

/** A closed entity (signed order, finished after-sale, a consumer's past days) is kept this long after its last fact. */
export const CLOSED_KEEP_MS = 32 * DAY_MS;
/**
 * An open entity is kept this long after its first fact: the retention of @sg/events, past which an event can
 * change no window and is refused (gateway 400, processor dead letter `too_old`).
 */
export const OPEN_KEEP_MS = MAX_EVENT_AGE_MS;
/** A shop's state keys (records, timers, pending, alert states, snapshot) live this long after their last write. */
export const STATE_TTL_SECONDS = CLOSED_KEEP_MS / 1000;
/**
 * A seen event id is kept while an event could still carry it: until its event time is older than the
 * retention of @sg/events (such an event is refused as `too_old` before the store); then its entry is dropped.
 */
export const SEEN_ID_KEEP_MS = MAX_EVENT_AGE_MS;
/** The seen-id index of a shop (state/lua) lives this long after its last write: a day past its longest entry. */
export const SEEN_TTL_SECONDS = (SEEN_ID_KEEP_MS + DAY_MS) / 1000;
/** A day's aggregates are read by windows of up to 31 days: kept twice that after their last write. */
export const DAY_TTL_SECONDS = 2 * STATE_TTL_SECONDS;
