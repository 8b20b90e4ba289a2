import { all, type EventOf, type Fact } from "./facts.js";

/** The chat definitions of metrics.md "Shared definitions" and jd@2023-01 sessions, restated on one consumer's facts. */

type Message = Fact<EventOf<"chat.message">>;

/** An `agent` message, or a `robot` message with `assist: true`: the messages that answer a consumer. */
export function isReply(m: Message): boolean {
  return m.event.sender === "agent" || (m.event.sender === "robot" && m.event.assist === true);
}

/**
 * Whether the consumer is in the human stage at `t`: the stage runs `[transferred, closed)`, so the latest
 * transfer-or-close mark at or before `t` decides; a close and a transfer at the same instant close the old
 * stage before the new one opens (the transfer is the later mark).
 */
export function inHumanStage(facts: readonly Fact[], t: number): boolean {
  let open = false;
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const f of facts) {
    if (f.at > t) break;
    const type = f.event.type;
    if (type !== "chat.transferred" && type !== "chat.closed") continue;
    if (f.at > lastAt) open = type === "chat.transferred";
    else open = open || type === "chat.transferred"; // same instant: the transfer comes after the close
    lastAt = f.at;
  }
  return open;
}

/** A reply round: opened at `open`; `end` is the answering message's time, absent while unanswered. */
export interface Wait {
  open: number;
  end?: number;
}

/**
 * Waits (reply rounds): a consumer message in the human stage opens a wait at its `at`, unless a wait of
 * that consumer is open at that instant: opened at it (even if a reply at that same instant ends it), or
 * opened before it and not yet ended (a wait that ended at that very instant no longer is). So several
 * consumer messages at one instant open one wait. A wait ends at the earliest reply at or after its opening.
 */
export function waitsOf(facts: readonly Fact[]): Wait[] {
  const messages = all(facts, "chat.message");
  const replies = messages.filter(isReply).map((m) => m.at);
  const out: Wait[] = [];
  for (const m of messages) {
    if (m.event.sender !== "consumer" || !inHumanStage(facts, m.at)) continue;
    const openNow = out.some((w) => w.open === m.at || (w.open < m.at && (w.end === undefined || w.end > m.at)));
    if (openNow) continue;
    const answers = replies.filter((r) => r >= m.at);
    out.push(answers.length === 0 ? { open: m.at } : { open: m.at, end: Math.min(...answers) });
  }
  return out;
}

/** A JD session: opened by the consumer message at `open`. */
export interface Session {
  open: number;
  /** Whether a reply came in `[open, open + within]`. */
  answeredWithin: boolean;
}

/**
 * JD sessions: a consumer message opens a session if the consumer has none, or if their last message in
 * either direction (any sender) is over `gapMs` old. A session lives while messages follow each other
 * within `gapMs`; after a longer silence the consumer has none, and only a consumer message opens the next.
 */
export function sessionsOf(facts: readonly Fact[], gapMs: number, withinMs: number | ((open: number) => number)): Session[] {
  const messages = all(facts, "chat.message");
  const out: Session[] = [];
  let previous: number | undefined;
  let live = false;
  for (const m of messages) {
    if (previous !== undefined && m.at - previous > gapMs) live = false;
    if (!live && m.event.sender === "consumer") {
      const within = typeof withinMs === "number" ? withinMs : withinMs(m.at);
      const answeredWithin = messages.some((r) => isReply(r) && r.at >= m.at && r.at <= m.at + within);
      out.push({ open: m.at, answeredWithin });
      live = true;
    }
    previous = m.at;
  }
  return out;
}
