export interface AppealRow {
  key: string;
  scope: string;
  itemId: string;
  consumerId?: string;
  exclusionId?: string;
  reason: string;
  requestedAt: string;
  effects: { metric: string; now: number | null; then: number | null }[];
  score?: { now: number | null; then: number | null };
}
export function appealStrings(lang: string): {
  title: string;
  none: string;
  ifApproved: string;
  score: string;
  requested: string;
  scope: Record<string, string>;
  reason: Record<string, string>;
};
export function appealRows(snapshot: {
  metrics: Record<string, { value: number | null }>;
  scores?: { total: number | null };
  pendingExclusions?: {
    scope: string;
    itemId: string;
    consumerId?: string;
    exclusionId?: string;
    reason: string;
    requestedAt: string;
    effect: Record<string, number | null>;
    scoreIfApproved?: number | null;
  }[];
}): AppealRow[];
