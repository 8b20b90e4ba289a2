import type { Platform } from "@sg/events";
import { DEFAULT_PACKS, loadRulePacks } from "./loader.js";
import type { RulePack } from "./schema.js";
import type { ScoreModel } from "./score.js";

/**
 * Which pack a shop uses (metrics.md "Which pack a shop uses, and scores"): `shops[key].pack`, else
 * `packs[platform]`, else the platform's contract-v1 pack. `latest` is the newest selectable pack whose
 * effective date is on or before the evaluated day.
 */
export interface PackSelection {
  packs?: Partial<Record<Platform, string | undefined>>;
  shops?: Record<string, { pack?: string | undefined } | undefined>;
}

/** The config subset the score checks read (the parsed config of @sg/config fits). */
export interface ScoreConfigView extends PackSelection {
  shops?: Record<
    string,
    | {
        pack?: string | undefined;
        industry?: string | undefined;
        scoreInputs?:
          | {
              bonuses?: Record<string, unknown> | undefined;
              deductions?: Record<string, unknown> | undefined;
              dimensions?: Record<string, unknown> | undefined;
              indicators?: Record<string, unknown> | undefined;
            }
          | undefined;
      }
    | undefined
  >;
  scoreParameters?: Record<
    string,
    | Record<
        string,
        {
          points?: number[] | undefined;
          bands?: Record<string, { lines: number[]; points?: number[] | undefined }> | undefined;
          weights?: Record<string, Record<string, number>> | undefined;
          dimensionWeights?: Record<string, number> | undefined;
          nextStar?: { standards: Record<string, number> } | undefined;
          flagship?:
            | {
                bands?: Record<string, { lines: number[]; points?: number[] | undefined }> | undefined;
                weights?: Record<string, Record<string, number>> | undefined;
                dimensionWeights?: Record<string, number> | undefined;
              }
            | undefined;
        }
      >
    | undefined
  >;
}

export interface ScoreConfigIssue {
  path: (string | number)[];
  message: string;
}

/** The first day a pack is in force, `YYYY-MM-DD`. */
export function effectiveDate(pack: RulePack): string {
  if (pack.effective) return pack.effective;
  const ym = pack.id.slice(pack.id.indexOf("@") + 1);
  return ym.length === 4 ? `${ym}-01-01` : `${ym}-01`;
}

/** The packs configuration may select for a platform: active ones, oldest first. */
export function selectablePacks(platform: Platform, packs = loadRulePacks()): RulePack[] {
  return [...packs.values()]
    .filter((p) => p.platform === platform && p.status === "active")
    .sort((a, b) => (effectiveDate(a) < effectiveDate(b) ? -1 : 1));
}

/**
 * The pack a shop uses on `day` (`YYYY-MM-DD`, Asia/Shanghai). A choice that names no selectable pack is a
 * start-up error (`packSelectionIssues`), so here it falls back to the contract-v1 pack.
 */
export function resolvePack(config: PackSelection, shopKey: string, day: string, packs = loadRulePacks()): RulePack {
  const platform = shopKey.slice(0, shopKey.indexOf(":")) as Platform;
  return packForChoice(platform, choiceOf(config, shopKey), day, packs);
}

/** A shop's choice: its own `pack`, else its platform's; undefined: none (the contract-v1 pack). */
export function choiceOf(config: PackSelection, shopKey: string): string | undefined {
  const platform = shopKey.slice(0, shopKey.indexOf(":")) as Platform;
  return config.shops?.[shopKey]?.pack ?? config.packs?.[platform];
}

/** The pack a choice (`latest`, a pack id, or none) gives on `day` (`YYYY-MM-DD`, Asia/Shanghai). */
export function packForChoice(platform: Platform, choice: string | undefined, day: string, packs = loadRulePacks()): RulePack {
  const fallback = packs.get(DEFAULT_PACKS[platform])!;
  if (choice === undefined) return fallback;
  if (choice === "latest") {
    const inForce = selectablePacks(platform, packs).filter((p) => effectiveDate(p) <= day);
    return inForce.at(-1) ?? fallback;
  }
  const p = packs.get(choice);
  return p && p.status === "active" ? p : fallback;
}

/** Problems with the packs chosen in the configuration, each naming its path. */
export function packSelectionIssues(config: PackSelection, packs = loadRulePacks()): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  const check = (path: (string | number)[], choice: string | undefined) => {
    if (choice === undefined || choice === "latest") return;
    const p = packs.get(choice);
    if (!p) {
      const known = [...packs.keys()].sort().join(", ");
      issues.push({ path, message: `unknown rule pack ${JSON.stringify(choice)} (known: ${known})` });
    } else if (p.status !== "active") {
      issues.push({ path, message: `rule pack ${choice} is declared but not selectable yet: ${p.note ?? ""}`.trim() });
    }
  };
  for (const [platform, choice] of Object.entries(config.packs ?? {})) check(["packs", platform], choice);
  for (const [key, shop] of Object.entries(config.shops ?? {})) check(["shops", key, "pack"], shop?.pack);
  return issues;
}

/**
 * Problems with the score parameters: a pack or an industry that does not exist, a band table that does
 * not fit the indicator (wrong number of lines, lines that overlap), weights of unknown indicators.
 */
export function scoreConfigIssues(config: ScoreConfigView, packs = loadRulePacks()): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [...packSelectionIssues(config, packs)];
  const params = config.scoreParameters ?? {};
  for (const [packId, industries] of Object.entries(params)) {
    if (industries === undefined) continue;
    const pack = packs.get(packId);
    if (!pack) {
      issues.push({ path: ["scoreParameters", packId], message: `unknown rule pack ${JSON.stringify(packId)}` });
      continue;
    }
    if (!pack.score) {
      issues.push({ path: ["scoreParameters", packId], message: `rule pack ${packId} declares no score` });
      continue;
    }
    for (const [industry, p] of Object.entries(industries)) {
      const base = ["scoreParameters", packId, industry];
      const classes: [(string | number)[], typeof p | NonNullable<typeof p.flagship>][] = [[base, p]];
      if (p.flagship) classes.push([[...base, "flagship"], p.flagship]);
      for (const [path, c] of classes) issues.push(...classIssues(pack, pack.score, path, c, p.points));
      issues.push(...nextStarIssues(pack, pack.score, base, p.nextStar));
    }
  }
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  for (const [key, shop] of Object.entries(config.shops ?? {})) {
    if (shop?.scoreInputs && key.includes(":")) issues.push(...inputIssues(key, shop.scoreInputs, resolvePack(config, key, today, packs)));
    const industry = shop?.industry;
    if (industry === undefined) continue;
    const platform = key.slice(0, key.indexOf(":"));
    const known = Object.entries(params)
      .filter(([id]) => id.startsWith(`${platform}@`))
      .some(([, table]) => table !== undefined && industry in table);
    if (!known)
      issues.push({
        path: ["shops", key, "industry"],
        message: `unknown industry ${JSON.stringify(industry)}: no scoreParameters table of a ${platform} pack has it`,
      });
  }
  return issues;
}

function classIssues(
  pack: RulePack,
  model: ScoreModel,
  path: (string | number)[],
  c: {
    bands?: Record<string, { lines: number[]; points?: number[] | undefined }> | undefined;
    weights?: Record<string, Record<string, number>> | undefined;
    dimensionWeights?: Record<string, number> | undefined;
  },
  industryPoints: number[] | undefined,
): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  for (const [name, band] of Object.entries(c.bands ?? {})) {
    const at = [...path, "bands", name];
    const ind = model.indicators[name];
    if (!ind) {
      issues.push({ path: at, message: `unknown indicator of ${pack.id}` });
      continue;
    }
    const points = band.points ?? industryPoints ?? ind.points ?? model.points;
    if (points && band.lines.length !== points.length - 1)
      issues.push({ path: [...at, "lines"], message: `${points.length} points need ${points.length - 1} lines, got ${band.lines.length}` });
    const direction = indicatorDirection(pack, name);
    // Best first: a `max` indicator's lines ascend (a larger value is worse), a `min` one's descend.
    const ordered = band.lines.every((l, i) => i === 0 || (direction === "max" ? l > band.lines[i - 1]! : l < band.lines[i - 1]!));
    if (!ordered)
      issues.push({
        path: [...at, "lines"],
        message: `bands overlap: lines must be strictly ${direction === "max" ? "ascending" : "descending"} (best band first)`,
      });
    if (band.points && !band.points.every((v, i) => i === 0 || v > band.points![i - 1]!))
      issues.push({ path: [...at, "points"], message: "points must be strictly ascending" });
  }
  for (const [dim, w] of Object.entries(c.weights ?? {})) {
    const d = model.dimensions[dim];
    if (!d) {
      issues.push({ path: [...path, "weights", dim], message: `unknown dimension of ${pack.id}` });
      continue;
    }
    for (const i of Object.keys(w))
      if (!d.indicators.includes(i))
        issues.push({ path: [...path, "weights", dim, i], message: `is not an indicator of dimension ${dim}` });
  }
  for (const dim of Object.keys(c.dimensionWeights ?? {}))
    if (!model.dimensions[dim]) issues.push({ path: [...path, "dimensionWeights", dim], message: `unknown dimension of ${pack.id}` });
  return issues;
}

/** Score inputs must name the bonuses, deduction parts and observed dimensions of the shop's pack. */
function inputIssues(
  key: string,
  inputs: NonNullable<NonNullable<NonNullable<ScoreConfigView["shops"]>[string]>["scoreInputs"]>,
  pack: RulePack,
): ScoreConfigIssue[] {
  const issues: ScoreConfigIssue[] = [];
  const base = ["shops", key, "scoreInputs"];
  const known = {
    bonuses: Object.keys(pack.score?.bonuses ?? {}),
    deductions: Object.keys(pack.score?.deductions?.parts ?? {}),
    dimensions: Object.entries(pack.score?.dimensions ?? {})
      .filter(([, d]) => d.observed)
      .map(([n]) => n),
    indicators: observedIndicators(pack),
  };
  for (const section of ["bonuses", "deductions", "dimensions", "indicators"] as const) {
    for (const name of Object.keys(inputs[section] ?? {})) {
      if (!known[section].includes(name)) {
        const list = known[section].length ? known[section].join(", ") : "none";
        issues.push({ path: [...base, section, name], message: `not one of the ${section} of ${pack.id} (${list})` });
      }
    }
  }
  return issues;
}

/** The indicators a pack reads from the backend (`scoreInputs.indicators`). */
function observedIndicators(pack: RulePack): string[] {
  return Object.entries(pack.score?.indicators ?? {})
    .filter(([, i]) => i.observed)
    .map(([n]) => n);
}

/** Next-star standards only for a pack that shows them, and only for its indicators. */
function nextStarIssues(
  pack: RulePack,
  model: ScoreModel,
  base: (string | number)[],
  nextStar: { standards: Record<string, number> } | undefined,
): ScoreConfigIssue[] {
  if (!nextStar) return [];
  if (!model.nextStar) return [{ path: [...base, "nextStar"], message: `rule pack ${pack.id} shows no next-star standards` }];
  return Object.keys(nextStar.standards)
    .filter((i) => !model.indicators[i])
    .map((i) => ({ path: [...base, "nextStar", "standards", i], message: `unknown indicator of ${pack.id}` }));
}

/** An indicator's direction: its own, or its metric's. */
export function indicatorDirection(pack: RulePack, indicator: string): "min" | "max" {
  const ind = pack.score!.indicators[indicator]!;
  return ind.direction ?? pack.metrics[ind.metric!]!.direction;
}
