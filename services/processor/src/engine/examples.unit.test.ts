import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseEvent, parseShopKey, type CanonicalEvent } from "@sg/events";
import { evaluateShop } from "./evaluate.js";

/**
 * The worked examples of ../shared/examples, computed by hand from metrics.md, run through the pure engine.
 * (The same cases run through Kafka and Redis via `replay` in test/conformance.)
 */
const dir = fileURLToPath(new URL("../../../../../shared/examples/", import.meta.url));
const names = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".expect.json"))
      .map((f) => f.replace(".expect.json", ""))
  : [];

describe("worked examples (pure engine)", () => {
  // The specification's examples sit beside the repository; without them this suite would check nothing.
  it("finds the worked examples in ../shared/examples", () => {
    expect(existsSync(dir), `${dir} is missing`).toBe(true);
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names)("%s", (name) => {
    const meta = JSON.parse(readFileSync(`${dir}${name}.expect.json`, "utf8")) as {
      at: string;
      expect: Record<string, { metrics?: Record<string, Record<string, unknown>> }>;
    };
    const events: CanonicalEvent[] = readFileSync(`${dir}${name}.jsonl`, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => {
        const r = parseEvent(JSON.parse(l));
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        return r.event;
      });
    for (const [key, want] of Object.entries(meta.expect)) {
      const shop = parseShopKey(key);
      if (shop === null) throw new Error(`${key} is not a shop key`);
      const { platform, shopId } = shop;
      const got = evaluateShop({
        platform,
        shopId,
        events: events.filter((e) => e.platform === platform && e.shopId === shopId),
        asOf: Date.parse(meta.at),
      }).snapshot;
      for (const [metric, fields] of Object.entries(want.metrics ?? {})) {
        for (const [field, v] of Object.entries(fields)) {
          const actual = (got.metrics[metric] as Record<string, unknown> | undefined)?.[field];
          if (typeof v === "number") expect(actual, `${metric}.${field}`).toBeCloseTo(v, 9);
          else expect(actual, `${metric}.${field}`).toEqual(v);
        }
      }
    }
  });
});
