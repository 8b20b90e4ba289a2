/** What a pending exclusion and its row share: the item, why and when. */
interface AppealItem {
  scope: string;
  itemId: string;
  consumerId?: string;
  exclusionId?: string;
  reason: string;
  requestedAt: string;
}
export interface AppealRow extends AppealItem {
  key: string;
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
  pendingExclusions?: (AppealItem & { effect: Record<string, number | null>; scoreIfApproved?: number | null })[];
}): AppealRow[];
