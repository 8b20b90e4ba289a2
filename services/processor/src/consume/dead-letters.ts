import type { Message } from "@sg/kafka";

/**
 * Dead letters of one batch, as records of `sg.events.dlq` sent in bounded chunks.
 *
 * A batch of sg.events can be as large as a fetch (1 MB a partition), and a dead letter carries the refused
 * value with its reason, so one send of a whole batch of refused events can exceed the broker's largest
 * request: the send fails, the batch is fetched again, and the partition never moves (a flood of bad events
 * once stalled intake this way). Each send here stays under CHUNK_BYTES, and a value longer than
 * MAX_VALUE_CHARS is cut, with its length kept, so even one huge refused record fits.
 */
const CHUNK_BYTES = 256 * 1024;
export const MAX_VALUE_CHARS = 64 * 1024;

/**
 * Why a record went to the dead-letter topic, as a closed set: the Prometheus label and the `kind` field of
 * the dead letter come from it, never from the reason's text.
 * - `empty`, `malformed_json`, `invalid_event`, `future`: intake refused the record (intake.ts);
 * - `too_old`: its `at` is older than the retention, so no window can count it;
 * - `quarantined`: a shop's events kept failing to apply (poison.ts); they can be sent again once fixed;
 * - `quota`: the event would create an entity past the shop's live-entity quota.
 */
export const DEAD_LETTER_KINDS = ["empty", "malformed_json", "invalid_event", "too_old", "future", "quarantined", "quota"] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export interface DeadLetter {
  key: Buffer | string | null;
  kind: DeadLetterKind;
  reason: string;
  topic: string;
  partition: number;
  offset: string;
  value: string | null;
}

export function deadLetterMessage(d: DeadLetter): Message {
  const long = d.value !== null && d.value.length > MAX_VALUE_CHARS;
  const body = {
    kind: d.kind,
    reason: d.reason,
    topic: d.topic,
    partition: d.partition,
    offset: d.offset,
    value: long ? d.value!.slice(0, MAX_VALUE_CHARS) : d.value,
    ...(long ? { valueTruncated: true, valueChars: d.value!.length } : {}),
  };
  return { key: d.key, value: JSON.stringify(body), headers: { kind: d.kind, reason: d.reason.slice(0, 1000) } };
}

/** Splits messages into sends of at most CHUNK_BYTES (a message larger than that goes alone). */
export function chunksOf(messages: Message[], maxBytes = CHUNK_BYTES): Message[][] {
  const out: Message[][] = [];
  let cur: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const bytes = (typeof m.value === "string" ? Buffer.byteLength(m.value) : (m.value?.length ?? 0)) + 200;
    if (cur.length > 0 && size + bytes > maxBytes) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(m);
    size += bytes;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
