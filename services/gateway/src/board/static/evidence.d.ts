// Types of evidence.js for the gateway's TypeScript tests (the page runs the .js as is: no build step).
import type { EvidenceItem, EvidencePage } from "@sg/events";

export function evidenceStrings(lang: string): {
  title(metric: string): string;
  loading: string;
  none: string;
  failed(status: number | string): string;
  countsOn: string;
  leavesOn: string;
  without(id: string, value: string, dim: string | null, score: string | null): string;
  more(shown: number, total: number): string;
  close: string;
};
export function badItemsUrl(shopKey: string, metric: string, limit?: number): string;
export function fetchBadItems(
  token: string,
  shopKey: string,
  metric: string,
): Promise<{ ok: true; page: EvidencePage } | { ok: false; status: number | string }>;
export function itemWords(lang: string, item: EvidenceItem, unit: string): { id: string; why: string; days: string; cost: string | null };
