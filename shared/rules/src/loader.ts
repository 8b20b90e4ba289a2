import { readFileSync, readdirSync } from "node:fs";
import type { Platform } from "@sg/events";
import { RulePack } from "./schema.js";

const PACK_DIR = new URL("../packs/", import.meta.url);

/** Packs in force per platform (metrics.md "Rule packs"). */
export const DEFAULT_PACKS: Record<Platform, string> = {
  kuaishou: "kuaishou@2023-03",
  douyin: "douyin@2023-06",
  jd: "jd@2023-01",
  pdd: "pdd@2020-02",
};

export class RulePackError extends Error {
  override name = "RulePackError";
}

/** Parses one pack file's JSON, naming the path of every problem. */
export function parseRulePack(json: unknown, source = "pack"): RulePack {
  const r = RulePack.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${source}: ${i.path.join(".")}: ${i.message}`);
    throw new RulePackError(lines.join("\n"));
  }
  return r.data;
}

let cache: Map<string, RulePack> | undefined;

/** Every pack shipped in `shared/rules/packs`, validated once. */
export function loadRulePacks(dir: URL = PACK_DIR): Map<string, RulePack> {
  if (dir === PACK_DIR && cache) return cache;
  const packs = new Map<string, RulePack>();
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const pack = parseRulePack(JSON.parse(readFileSync(new URL(f, dir), "utf8")), f);
    packs.set(pack.id, pack);
  }
  if (dir === PACK_DIR) cache = packs;
  return packs;
}

export function packFor(platform: Platform, packs = loadRulePacks()): RulePack {
  const id = DEFAULT_PACKS[platform];
  const pack = packs.get(id);
  if (!pack) throw new RulePackError(`rule pack ${id} for ${platform} is missing`);
  return pack;
}
