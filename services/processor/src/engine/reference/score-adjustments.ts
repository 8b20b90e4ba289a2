import { toMillis, toShanghaiIso, type CanonicalEvent } from "@sg/events";
import type { RulePack } from "@sg/rules";
import { windowRange } from "../calendar.js";

/**
 * The reference reading of docs/scores.md "Bonuses and deductions as events", over the full history: what a
 * score adds and deducts at `asOf`, item by item with its source. Restated plainly from the doc, sharing
 * nothing with the shipping code (scores/adjustments.ts, engine/incremental/score-records.ts).
 */

/** What the reference reads of the shop's configuration (the processor's `shop.score`). */
export interface ReferenceScoreConfig {
  industry?: string;
  parameters?: Record<string, Record<string, { bonusPoints?: Record<string, number> } | undefined> | undefined>;
  inputs?: {
    bonuses?: Record<string, number | boolean>;
    deductions?: Record<string, number>;
    violations?: boolean;
  };
}

export interface ReferenceAdjustments {
  /** When the bonuses change by themselves: each declared bonus's grant starts, ends, and is forgotten 30 days after its end. */
  changesAt?: number[];
  bonuses: number;
  deductions: number;
  adjustments: {
    bonuses: {
      id: string;
      title: string;
      points: number | null;
      source: "event" | "configuration";
      from?: string;
      until?: string | null;
      share?: number;
    }[];
    deductions: { part: string; title: string; points: number; count?: number; source: "event" | "configuration" }[];
    uncapped: number;
    cap: number | null;
    violations: boolean;
  };
}

const DAY_MS = 86_400_000;
const before = (a: CanonicalEvent, b: CanonicalEvent) =>
  toMillis(a.at) < toMillis(b.at) || (toMillis(a.at) === toMillis(b.at) && a.id < b.id);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function referenceAdjustments(
  pack: RulePack,
  events: readonly CanonicalEvent[],
  asOf: number,
  config: ReferenceScoreConfig | undefined,
): ReferenceAdjustments | undefined {
  const model = pack.score;
  if (!model || (!model.bonuses && !model.deductions)) return undefined;
  // Each id once (its first copy), and only what has happened by asOf.
  const seen = new Set<string>();
  const facts = events.filter((e) => !seen.has(e.id) && (seen.add(e.id), true) && toMillis(e.at) <= asOf);

  // Grants: the first grant event of each grantId by (at, id); its end is validTo or the first revocation, the earlier.
  const grantOf = new Map<string, Extract<CanonicalEvent, { type: "score.bonus_granted" }>>();
  const revokedAt = new Map<string, number>();
  for (const e of facts) {
    if (e.type === "score.bonus_granted") {
      const prev = grantOf.get(e.grantId);
      if (!prev || before(e, prev)) grantOf.set(e.grantId, e);
    } else if (e.type === "score.bonus_revoked") {
      const t = toMillis(e.at);
      revokedAt.set(e.grantId, Math.min(t, revokedAt.get(e.grantId) ?? Infinity));
    }
  }
  const grants = [...grantOf].map(([id, g]) => {
    const ends = [g.validTo === undefined ? Infinity : toMillis(g.validTo), revokedAt.get(id) ?? Infinity];
    const end = Math.min(...ends);
    return { bonus: g.bonus, from: toMillis(g.validFrom), end, share: g.share };
  });

  const out: ReferenceAdjustments["adjustments"] = {
    bonuses: [],
    deductions: [],
    uncapped: 0,
    cap: model.deductions?.cap ?? null,
    violations: false,
  };
  let bonusSum = 0;
  const params = config?.industry === undefined ? undefined : config.parameters?.[pack.id]?.[config.industry];
  for (const [id, b] of Object.entries(model.bonuses ?? {})) {
    const points = typeof b.points === "number" ? b.points : (params?.bonusPoints?.[id] ?? null);
    // The events speak for a bonus while any grant of it holds or ended within the last 30 days.
    const mine = grants.filter((g) => g.bonus === id && g.end > asOf - 30 * DAY_MS);
    let item: ReferenceAdjustments["adjustments"]["bonuses"][number] | undefined;
    if (mine.length > 0) {
      const held = mine.filter(
        (g) => g.from <= asOf && asOf < g.end && (g.share === undefined || b.minShare === undefined || g.share >= b.minShare),
      );
      // Shown: the grant that holds longest, then the highest share, then the earliest.
      held.sort((x, y) => y.end - x.end || (y.share ?? -1) - (x.share ?? -1) || x.from - y.from);
      const g = held[0];
      if (g) {
        item = {
          id,
          title: b.title,
          points,
          source: "event",
          from: toShanghaiIso(g.from),
          until: g.end === Infinity ? null : toShanghaiIso(g.end),
        };
        if (g.share !== undefined) item.share = g.share;
      }
    } else {
      const v = config?.inputs?.bonuses?.[id];
      const earned = v === true || (typeof v === "number" && (b.minShare === undefined ? v > 0 : v >= b.minShare));
      if (earned) {
        item = { id, title: b.title, points, source: "configuration" };
        if (typeof v === "number") item.share = v;
      }
    }
    if (item) {
      out.bonuses.push(item);
      bonusSum += points ?? 0;
    }
  }

  let violations = false;
  let configured = 0;
  if (model.deductions) {
    const w = windowRange(model.deductions.window as "30d", asOf);
    const firstDeduction = new Map<string, Extract<CanonicalEvent, { type: "score.deducted" }>>();
    const revoked = new Set<string>();
    for (const e of facts) {
      if (e.type === "score.deducted") {
        const prev = firstDeduction.get(e.violationId);
        if (!prev || before(e, prev)) firstDeduction.set(e.violationId, e);
      } else if (e.type === "score.deduction_revoked") revoked.add(e.violationId);
    }
    // A deduction counts on its day: in the window when its day is one of the window's days.
    const inWindow = [...firstDeduction].filter(([, e]) => toMillis(e.at) >= w.start && toMillis(e.at) < w.end);
    for (const [part, p] of Object.entries(model.deductions.parts)) {
      const mine = inWindow.filter(([, e]) => e.part === part);
      if (mine.length > 0) {
        const counted = mine.filter(([id]) => !revoked.has(id));
        if (counted.length === 0) continue;
        violations = true;
        const points = round2(counted.reduce((s, [, e]) => s + Math.round(e.points * 100) / 100, 0));
        out.deductions.push({ part, title: p.title, points, count: counted.length, source: "event" });
        out.uncapped += points;
      } else {
        const points = config?.inputs?.deductions?.[part] ?? 0;
        if (points > 0) {
          out.deductions.push({ part, title: p.title, points, source: "configuration" });
          out.uncapped += points;
          configured += points;
        }
      }
    }
  }
  out.uncapped = round6(out.uncapped);
  out.violations = violations || (config?.inputs?.violations ?? configured > 0);
  const deductions = model.deductions ? Math.min(out.uncapped, model.deductions.cap) : 0;
  const changesAt = grants
    .filter((g) => model.bonuses?.[g.bonus] !== undefined)
    .flatMap((g) => (g.end === Infinity ? [g.from] : [g.from, g.end, g.end + 30 * DAY_MS]));
  return { changesAt, bonuses: round6(bonusSum), deductions, adjustments: out };
}
