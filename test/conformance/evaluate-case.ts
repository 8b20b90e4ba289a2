/**
 * Runs one conformance case through a pure engine (the shipping one, or the independent reference). What the
 * pipeline does before the engine is reproduced from its own code, not re-implemented: each line is decided
 * by the processor's `intake` with the clock at `at` (invalid, too old or too far ahead → dead letter), events
 * are kept once per id as the store keeps them, and a shop's configuration overrides are looked up by its
 * shop key.
 */
import { parseScoreguardConfig, type Calendars } from "@sg/config";
import { parseShopKey, shopKey, toMillis, type CanonicalEvent, type Platform } from "@sg/events";
import { intake } from "../../services/processor/src/consume/intake.js";
import { shopOverridesFor } from "../../services/processor/src/scores/context.js";
import { readEventsFile } from "../../services/processor/src/replay/read-events.js";
import { casesDir, loadCase, type ReplayOutput } from "./cases.js";

/** A shop's overrides as the processor derives them from the configuration (with its pack choice); both engines accept this shape. */
type Overrides = ReturnType<typeof shopOverridesFor>;

export type PureEngine = (input: {
  platform: Platform;
  shopId: string;
  events: CanonicalEvent[];
  asOf: number;
  shop: Overrides;
  /** The configuration's calendars, for the reference model (the engines read them from `shop.calendar`). */
  calendars?: Calendars;
}) => {
  snapshot: NonNullable<ReplayOutput["shops"]>[string];
};

export function evaluateCaseWith(name: string, engine: PureEngine): ReplayOutput {
  const meta = loadCase(name);
  const asOf = toMillis(meta.at);
  const config = meta.config === undefined ? {} : parseScoreguardConfig(meta.config);
  const read = readEventsFile(`${casesDir}${name}.jsonl`);
  if (read.errors.length > 0) throw new Error(`${name}.jsonl: ${read.errors.join("; ")}`);
  const byShop = new Map<string, Map<string, CanonicalEvent>>();
  for (const line of read.lines) {
    const key = shopKey(line.event);
    const events = byShop.get(key) ?? new Map<string, CanonicalEvent>();
    byShop.set(key, events);
    const decided = intake(Buffer.from(line.raw), asOf);
    if (decided.ok && !events.has(decided.event.id)) events.set(decided.event.id, decided.event);
  }
  const shops: NonNullable<ReplayOutput["shops"]> = {};
  for (const [key, events] of byShop) {
    const shop = parseShopKey(key);
    if (shop === null) throw new Error(`${key} is not a shop key`);
    const calendars = (config as { calendars?: Calendars }).calendars;
    shops[key] = engine({
      ...shop,
      events: [...events.values()],
      asOf,
      shop: shopOverridesFor(config, key),
      ...(calendars === undefined ? {} : { calendars }),
    }).snapshot;
  }
  return { shops };
}
