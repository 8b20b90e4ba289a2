/**
 * Hand-computed forecast cases (forecast/NAME.jsonl + NAME.expect.json, the conformance format with a metric's
 * `forecast` asserted whole): engine v2's pure part with its forecast (engine/forecast) must give them, and the
 * reference model's restated roll-off (engine/reference/roll-off.ts) must give the same roll-off points.
 * Numbers within 1e-6 relative, as cases.ts compares.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseScoreguardConfig } from "@sg/config";
import { parseShopKey, shopKey, toMillis, type CanonicalEvent } from "@sg/events";
import { describe, expect, it } from "vitest";
import { evaluateEventsV2WithForecast } from "../../services/processor/src/engine/forecast/index.js";
import { referenceRollOff } from "../../services/processor/src/engine/reference/index.js";
import { shopOverridesFor } from "../../services/processor/src/scores/context.js";
import { readEventsFile } from "../../services/processor/src/replay/read-events.js";
import type { CaseMeta, Json } from "./cases.js";

const dir = fileURLToPath(new URL("./forecast/", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".expect.json"))
  .map((f) => f.slice(0, -".expect.json".length))
  .sort();

/** Every difference between `actual` and the expected JSON (objects: the expected keys only; arrays: whole). */
function differences(actual: unknown, want: Json, path: string, out: string[]): string[] {
  if (typeof want === "number") {
    if (typeof actual !== "number" || Math.abs(actual - want) > 1e-6 * Math.max(1, Math.abs(want)))
      out.push(`${path} = ${JSON.stringify(actual)}, want ${want}`);
  } else if (Array.isArray(want)) {
    if (!Array.isArray(actual) || actual.length !== want.length)
      out.push(`${path}: ${JSON.stringify(actual)}, want ${want.length} entries`);
    else want.forEach((w, i) => differences(actual[i], w, `${path}[${i}]`, out));
  } else if (want !== null && typeof want === "object") {
    if (actual === null || typeof actual !== "object") out.push(`${path} missing`);
    else for (const [k, w] of Object.entries(want)) differences((actual as Record<string, unknown>)[k], w, `${path}.${k}`, out);
  } else if (want === null ? actual !== null && actual !== undefined : actual !== want) {
    out.push(`${path} = ${JSON.stringify(actual)}, want ${JSON.stringify(want)}`);
  }
  return out;
}

function load(name: string) {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.expect.json`), "utf8")) as CaseMeta;
  const read = readEventsFile(join(dir, `${name}.jsonl`));
  if (read.errors.length > 0) throw new Error(read.errors.join("; "));
  const config = meta.config === undefined ? {} : parseScoreguardConfig(meta.config);
  const byShop = new Map<string, CanonicalEvent[]>();
  for (const l of read.lines) byShop.set(shopKey(l.event), [...(byShop.get(shopKey(l.event)) ?? []), l.event]);
  return { meta, asOf: toMillis(meta.at), config, byShop };
}

describe("forecast conformance (hand-computed)", () => {
  it("has cases", () => expect(names.length).toBeGreaterThan(0));

  it.each(names)("%s: engine v2 (pure) with its forecast", (name) => {
    const { meta, asOf, config, byShop } = load(name);
    const errs: string[] = [];
    for (const [key, want] of Object.entries(meta.expect)) {
      const shop = parseShopKey(key)!;
      const ev = evaluateEventsV2WithForecast({ ...shop, events: byShop.get(key) ?? [], asOf, shop: shopOverridesFor(config, key) });
      differences(ev?.snapshot.metrics, want.metrics ?? {}, key, errs);
    }
    expect(errs, meta.why).toEqual([]);
  });

  it.each(names)("%s: the reference model's roll-off", (name) => {
    const { meta, asOf, config, byShop } = load(name);
    const errs: string[] = [];
    for (const [key, want] of Object.entries(meta.expect)) {
      const shop = parseShopKey(key)!;
      const roll = referenceRollOff({ ...shop, events: byShop.get(key) ?? [], now: asOf, shop: shopOverridesFor(config, key) });
      for (const [metric, fields] of Object.entries(want.metrics ?? {})) {
        const f = (fields as { forecast?: { rollOff?: { points?: Json } } }).forecast;
        if (f?.rollOff?.points !== undefined) differences(roll[metric], f.rollOff.points, `${key} ${metric} reference rollOff`, errs);
      }
    }
    expect(errs, meta.why).toEqual([]);
  });
});
