/**
 * The conformance cases that state evidence (an `evidence` entry per shop: docs/evidence.md) against engine
 * v2's listing (engine/evidence over the records its pure steps keep): the items of each outcome, newest
 * first, each with the fields the case fixes (why, days, cost).
 */
import { parseScoreguardConfig } from "@sg/config";
import { parseShopKey, shanghaiDayOf, toMillis } from "@sg/events";
import { packForChoice } from "@sg/rules";
import { describe, expect, it } from "vitest";
import { shopOverridesFor } from "../../services/processor/src/scores/context.js";
import { readEventsFile } from "../../services/processor/src/replay/read-events.js";
import { applyEvents, emptyShopState, evaluateState } from "../../services/processor/src/engine/incremental/shop-state.js";
import { shopEvidence } from "../../services/processor/src/engine/evidence/shop-evidence.js";
import { casesDir, caseNames, loadCase } from "./cases.js";

const withEvidence = caseNames.filter((n) => Object.values(loadCase(n).expect).some((e) => e.evidence !== undefined));

describe("conformance: evidence (hand-computed from shared/spec and docs/evidence.md)", () => {
  it("has cases", () => expect(withEvidence.length).toBeGreaterThanOrEqual(2));

  it.each(withEvidence)("%s: engine v2's items", (name) => {
    const meta = loadCase(name);
    const asOf = toMillis(meta.at);
    const config = meta.config === undefined ? {} : parseScoreguardConfig(meta.config);
    const events = readEventsFile(`${casesDir}${name}.jsonl`).lines.map((l) => l.event);
    for (const [key, want] of Object.entries(meta.expect)) {
      if (want.evidence === undefined) continue;
      const shop = parseShopKey(key)!;
      const overrides = shopOverridesFor(config, key);
      const pack = packForChoice(shop.platform, overrides.pack, shanghaiDayOf(asOf));
      const mine = events.filter((e) => e.platform === shop.platform && e.shopId === shop.shopId);
      const { state } = applyEvents(
        pack,
        emptyShopState(),
        mine.map((event) => ({ event, atMs: toMillis(event.at) })),
        asOf,
        Infinity,
        undefined,
        undefined,
        overrides.calendar,
      );
      const ev = evaluateState(state, { ...shop, platform: shop.platform, now: asOf, shop: overrides, pack });
      const lists = shopEvidence({
        records: [...ev.state.records].map(([k, r]) => [k, r.rec]),
        pack,
        asOf,
        shop: overrides,
        snapshot: ev.evaluation!.snapshot,
      });
      for (const [metric, outcomes] of Object.entries(want.evidence))
        for (const [outcome, items] of Object.entries(outcomes)) {
          const got = lists.get(`${metric}|${outcome}`)!;
          expect(got.total, `${key} ${metric} ${outcome}: total (${meta.why})`).toBe(items.length);
          expect(got.items, `${key} ${metric} ${outcome}`).toMatchObject(items);
        }
    }
  });
});
