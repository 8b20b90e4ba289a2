import type { CanonicalEvent } from "@sg/events";
import type { RulePack } from "@sg/rules";
import type { ShopCalendar } from "../calendar-entries.js";
import type { ContribCalendars } from "../calendar-items.js";
import { dayNumber } from "./contrib.js";
import { computeDelta, type ShopDelta, type StoredRecord } from "./delta.js";
import { entityOf } from "./records.js";
import { firstSeen, type SeenAdds } from "./seen-ids.js";

/**
 * One apply step of engine v2 for one shop, pure: from what was loaded (records, which of the events' ids
 * the seen-id index holds, the number of live records) and a chunk of events, the delta to commit, the ids
 * it adds to the index, and the events refused by the quota. EntityStore runs it between loadEntities.lua
 * and commitEntities.lua; shop-state.ts runs it over plain maps (the unit tier).
 */

export interface ShopEvent {
  event: CanonicalEvent;
  atMs: number;
}

export interface LoadedShop {
  /** Every record the events need (loadKeysOf), and the order of every after-sale that names one; undefined: none. */
  records: ReadonlyMap<string, StoredRecord | undefined>;
  /** Fingerprints of the events' ids that the shop's seen-id index holds. */
  seen: Pick<ReadonlySet<string>, "has">;
  /** Records the shop holds (its live entities, for the quota). */
  live: number;
  /** The events' id fingerprints, by id, when the load computed them already (seen-ids.ts `fingerprint`). */
  fingerprints?: ReadonlyMap<string, string>;
}

export interface ApplyStep<E extends ShopEvent> {
  delta: ShopDelta;
  seenAdds: SeenAdds;
  /** Events that would create records past the shop's quota: not applied, their ids not added. */
  refused: E[];
}

/**
 * The records an event's fold needs: its entity, and for an after-sale request also the order it names.
 * A request that was never committed names its order only in the event, so the load cannot find the order
 * from the after-sale's record; without it the order's record would be replaced by one holding only the
 * summary, and its old contribution never subtracted.
 */
export function loadKeysOf(e: CanonicalEvent): string[] {
  return e.type === "aftersale.requested" ? [entityOf(e), `o:${e.orderId}`] : [entityOf(e)];
}

/**
 * Folds a chunk of events into the loaded state: an event whose id the index holds, or that an earlier
 * event of the chunk carries, changes nothing (events.md: the first seen wins); of the rest, those within
 * the quota are folded and their ids added.
 */
export function applyStep<E extends ShopEvent>(
  pack: RulePack,
  loaded: LoadedShop,
  events: readonly E[],
  now: number,
  limit = Infinity,
  /** Days of chat facts the records keep (accounting.ts `chatKeepDays`). */
  chatKeepDays?: number,
  /** How long a closed entity is kept (accounting.ts `retention`). */
  closedKeepMs?: number,
  /** The shop's calendar (computeDelta `cal`). */
  cal?: ShopCalendar | ContribCalendars,
): ApplyStep<E> {
  const fresh = firstSeen(events, loaded.seen, loaded.fingerprints);
  const candidates = [...fresh.keys()];
  // Each event creates at most 2 records: below the limit by that margin, nothing needs a look.
  const { admitted, refused } =
    loaded.live + 2 * candidates.length <= limit
      ? { admitted: candidates, refused: [] }
      : withinQuota(candidates, loaded.records, loaded.live, limit);
  const seenAdds: SeenAdds = new Map();
  for (const e of admitted) seenAdds.set(fresh.get(e)!, dayNumber(e.atMs));
  return { delta: computeDelta(pack, loaded.records, admitted, now, [], chatKeepDays, closedKeepMs, cal), seenAdds, refused };
}

/** Splits one chunk's events into those within the shop's quota and those that would create records past it. */
export function withinQuota<E extends ShopEvent>(
  events: readonly E[],
  records: ReadonlyMap<string, StoredRecord | undefined>,
  live: number,
  limit: number,
): { admitted: E[]; refused: E[] } {
  const created = new Set<string>();
  const admitted: E[] = [];
  const refused: E[] = [];
  for (const e of events) {
    const fresh = loadKeysOf(e.event).filter((k) => records.get(k) === undefined && !created.has(k));
    if (fresh.length > 0 && live + created.size + fresh.length > limit) {
      refused.push(e);
      continue;
    }
    for (const k of fresh) created.add(k);
    admitted.push(e);
  }
  return { admitted, refused };
}

/** A pending member `<metric>|<day or ->|<extra>|<entity key>` (contrib.ts) with its deadline, as measure.ts reads it. */
export function parsePending(
  stored: string,
  deadline: number,
): { metric: number; day: number | undefined; key: string; deadline: number; extra: string; appealed?: true } {
  // `!`: the item's entity has a pending exclusion of this metric (exclusions.ts): gone should it be approved.
  const appealed = stored.startsWith("!");
  const member = appealed ? stored.slice(1) : stored;
  const a = member.indexOf("|");
  const b = member.indexOf("|", a + 1);
  const c = member.indexOf("|", b + 1);
  const day = member.slice(a + 1, b);
  return {
    metric: Number(member.slice(0, a)),
    day: day === "-" ? undefined : Number(day),
    key: member.slice(c + 1),
    deadline,
    extra: member.slice(b + 1, c),
    ...(appealed ? { appealed: true as const } : {}),
  };
}
