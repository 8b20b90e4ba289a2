import fc from "fast-check";
import { PLATFORMS } from "@sg/events";

/**
 * The spec of a small model stream (model-streams.ts) for the unit-tier property tests that compare engine v2
 * with the reference on plain maps (evidence, forecast): a platform, a pack index among its selectable packs,
 * a first day, up to 12 consumers and 20 orders, how often replies are good, how often facts compete, and the
 * delivery's seed.
 */
export const smallModelFields = {
  platform: fc.constantFrom(...PLATFORMS),
  pack: fc.nat(),
  day: fc.integer({ min: 0, max: 50 }),
  consumers: fc.array(fc.integer(), { maxLength: 12, size: "max" }),
  orders: fc.array(fc.integer(), { maxLength: 20, size: "max" }),
  goodReplies: fc.constantFrom(0.15, 0.4, 0.8),
  compete: fc.constantFrom(0, 0.4, 1),
  delivery: fc.integer(),
};
export const smallModelSpec = fc.record(smallModelFields);
