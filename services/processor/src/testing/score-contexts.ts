import type { IndustryParams } from "@sg/config";
import type { RulePack } from "@sg/rules";
import type { ScoreContext } from "../scores/compute.js";
import { mulberry32 } from "./random-events.js";

/**
 * A random score context for any pack (tests: the forecast's numeric points, score totals): an industry's
 * parameters made up from the pack's own model (bands around each metric's lines, a point scale, weights,
 * bonus points, star lines), sometimes with a piece left out (the total is then blocked, or not), a flagship
 * class, configured bonuses, deductions, violations and observed inputs, and a line for the total. Variant 0:
 * no context at all (the total is incomplete).
 */
export function randomScoreContext(pack: RulePack, seed: number): ScoreContext | undefined {
  const model = pack.score;
  const r = mulberry32(seed);
  if (!model || seed % 5 === 0) return undefined;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const bands: NonNullable<IndustryParams["bands"]> = {};
  for (const [id, ind] of Object.entries(model.indicators)) {
    if (ind.planned || ind.observed || r() < 0.05) continue;
    const def = pack.metrics[ind.metric!]!;
    const dir = ind.direction ?? def.direction;
    const base = def.threshold ?? def.target ?? (def.unit === "ratio" ? 0.5 : 10);
    const step = base === 0 ? 0.01 : Math.abs(base) * pick([0.01, 0.05, 0.2]);
    // Best band first: descending cut-offs for a `min` indicator, ascending for a `max` one.
    const lines = [-2, -1, 0, 1, 2].map((k) => base + (dir === "min" ? -k : k) * step);
    bands[id] = { lines };
  }
  const weights: NonNullable<IndustryParams["weights"]> = {};
  const dimensionWeights: Record<string, number> = {};
  for (const [id, d] of Object.entries(model.dimensions)) {
    if (d.weight === "config" && r() > 0.05) dimensionWeights[id] = pick([20, 30, 40, 50]);
    if (!d.weights && !d.observed && d.indicators.length > 1 && r() > 0.05)
      weights[id] = Object.fromEntries(d.indicators.map((i, k) => [i, k === 0 ? 100 - 10 * (d.indicators.length - 1) : 10]));
  }
  const bonusPoints = Object.fromEntries(
    Object.entries(model.bonuses ?? {})
      .filter(([, b]) => b.points === "config" && r() > 0.1)
      .map(([id]) => [id, pick([1, 2, 3.5])]),
  );
  const params: IndustryParams = {
    sample: true,
    points: [50, 60, 70, 80, 90, 100],
    bands,
    weights,
    dimensionWeights,
    bonusPoints,
    stars: [
      { min: 60, stars: 3 },
      { min: 80, stars: 4 },
    ],
  };
  if (r() < 0.2)
    params.flagship = { bands: Object.fromEntries(Object.entries(bands).map(([id, b]) => [id, { lines: b.lines.map((x) => x * 1.01) }])) };
  const ctx: ScoreContext = { industry: "any", parameters: { [pack.id]: { any: params } } };
  if (params.flagship) {
    const f = r();
    if (f < 0.8) ctx.flagship = f < 0.4;
  }
  const inputs: NonNullable<ScoreContext["inputs"]> = {};
  for (const [id, d] of Object.entries(model.dimensions))
    if (d.observed && r() > 0.1) (inputs.dimensions ??= {})[id] = pick([55, 72.5, 90]);
  for (const [id, ind] of Object.entries(model.indicators)) if (ind.observed && r() > 0.3) (inputs.indicators ??= {})[id] = r();
  for (const id of Object.keys(model.bonuses ?? {}))
    if (r() < 0.5) (inputs.bonuses ??= {})[id] = r() < 0.5 ? r() < 0.7 : Math.round(r() * 100) / 100;
  for (const id of Object.keys(model.deductions?.parts ?? {})) if (r() < 0.4) (inputs.deductions ??= {})[id] = pick([0, 1, 2.5, 12]);
  if (r() < 0.2) inputs.violations = r() < 0.5;
  ctx.inputs = inputs;
  if (r() < 0.7) ctx.lines = { total: pick([50, 60, 70, 75, 80, 85, 90, 95]) };
  if (seed % 5 === 1) ctx.industry = "unknown";
  return ctx;
}
