// Types of i18n.js for the gateway's TypeScript tests (the page runs the .js as is).
export const LANGS: string[];
export function strings(lang: string): Record<string, unknown>;
export function metricTitle(lang: string, name: string, meta?: { title?: string }): string;
export function formatValue(lang: string, unit: string, v: number | null | undefined): string;
export function headroomWords(lang: string, headroom: number | null | undefined, meta?: { kind: string; window: string }): string | null;
export function formatCountdown(lang: string, ms: number): string;
export function formatTime(lang: string, ms: number): string;
export function scoreWords(
  lang: string,
  scores: import("@sg/events").ShopScores | undefined,
  metaOf?: (name: string) => { title?: string; kind?: string; unit?: string; direction?: "min" | "max" } | undefined,
): {
  headline: string;
  dimensions: string[];
  cost: string | null;
  headroom: string[];
  missing: string | null;
  nextStar: string | null;
  /** Each bonus and deduction with its source, where the pack declares either. */
  adjustments?: string[];
} | null;
export function scoreTitle(lang: string, score: { title: string; titleEn?: string }): string;
export function shanghaiDay(ms: number): string;
export function reconciliationWords(
  lang: string,
  rec: import("../reconciliation-tile.js").BoardReconciliation | null | undefined,
  nowMs: number,
  metaOf?: (name: string) => { title?: string; unit?: string } | undefined,
): { state: "match" | "drift" | "missing"; headline: string; drift: string | null } | null;
