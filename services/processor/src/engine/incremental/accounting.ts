import type { Platform } from "@sg/events";
import { retentionFor, type Retention } from "../../retention.js";
import { DEFAULT_PACKS, loadRulePacks, selectablePacks, type MetricDef, type MetricKind, type RulePack } from "@sg/rules";

/**
 * What engine v2 accounts for a platform's shops (architecture.md "Bounded state, bounded work"): the
 * metrics of every pack configuration may select for the platform, each distinct measurement once, so that
 * a shop's choice (`latest`, a named pack, or none) can change, or `latest` move to a newer pack on its
 * effective date, without a rebuild: every selectable pack's metrics are already in the day aggregates.
 *
 * The contract-v1 pack's metrics keep their positions (0, 1, …), so state written before the 2026 packs
 * reads the same; the other packs' metrics follow, in effective order, a metric whose kind and parameters
 * an earlier one already has sharing its slot (the day aggregates do not depend on a metric's window or lines).
 */
export interface Accounting {
  /** The pack whose metrics, by position, are the aggregates' slots (its metric names are the slots' first owners). */
  pack: RulePack;
  /** A selectable pack's metric names → their slots. */
  slotsOf(pack: RulePack): ReadonlyMap<string, number>;
  /** Days of chat facts the records keep (compaction): the longest window of a metric reading reply rounds. */
  chatKeepDays: number;
  /** How long the platform's records and day aggregates are kept: the longest window of any selectable pack. */
  retention: Retention;
}

const signature = (d: MetricDef) => JSON.stringify([d.kind, d.params]);

/** Kinds computed from reply rounds or sessions: their consumer's messages must outlive the window. */
const READS_ROUNDS: ReadonlySet<MetricKind> = new Set([
  "reply_consumer_day",
  "avg_response_seconds",
  "first_response_sessions",
  "imputed_response_mean",
  "buyer_reply_rate",
]);

const WINDOW_DAYS: Record<MetricDef["window"], number> = { day: 1, "30d": 30, "90d": 90, month: 31, now: 1 };

/** The longest window, in days, of the packs' metrics. */
export function longestWindowDays(packs: Iterable<RulePack>): number {
  let days = 1;
  for (const p of packs) for (const def of Object.values(p.metrics)) days = Math.max(days, WINDOW_DAYS[def.window]);
  return days;
}

export function buildAccounting(platform: Platform, packs: Map<string, RulePack> = loadRulePacks()): Accounting {
  const base = packs.get(DEFAULT_PACKS[platform])!;
  const metrics: Record<string, MetricDef> = {};
  const bySignature = new Map<string, number>();
  const slots = new Map<string, Map<string, number>>();
  let next = 0;
  const own = new Map<string, number>();
  for (const [name, def] of Object.entries(base.metrics)) {
    metrics[name] = def;
    own.set(name, next);
    if (!bySignature.has(signature(def))) bySignature.set(signature(def), next);
    next++;
  }
  slots.set(base.id, own);
  for (const p of selectablePacks(platform, packs)) {
    if (p.id === base.id) continue;
    const mine = new Map<string, number>();
    for (const [name, def] of Object.entries(p.metrics)) {
      let slot = bySignature.get(signature(def));
      if (slot === undefined) {
        slot = next++;
        bySignature.set(signature(def), slot);
        metrics[`${name}__${slot}`] = def;
      }
      mine.set(name, slot);
    }
    slots.set(p.id, mine);
  }
  // A metric shares its slot with others of any window: the longest window of any selectable pack decides.
  let chatKeepDays = 1;
  for (const p of selectablePacks(platform, packs)) {
    for (const def of Object.values(p.metrics)) {
      if (READS_ROUNDS.has(def.kind)) chatKeepDays = Math.max(chatKeepDays, WINDOW_DAYS[def.window]);
    }
  }
  const pack: RulePack = { ...base, id: `${platform}@accounting`, metrics, score: undefined };
  return {
    pack,
    chatKeepDays,
    retention: retentionFor(longestWindowDays([base, ...selectablePacks(platform, packs)])),
    slotsOf(p) {
      const s = slots.get(p.id);
      if (!s) throw new Error(`rule pack ${p.id} is not selectable for ${platform}`);
      return s;
    },
  };
}

const cache = new Map<Platform, Accounting>();

/** The accounting of a platform over the shipped packs, built once. */
export function accountingFor(platform: Platform): Accounting {
  let a = cache.get(platform);
  if (!a) cache.set(platform, (a = buildAccounting(platform)));
  return a;
}
