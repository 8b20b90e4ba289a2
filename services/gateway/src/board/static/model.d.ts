// Types of model.js for the gateway's TypeScript tests (the page itself runs the .js as is: no build step).
import type { DueItem, FiringAlert, StoredSnapshot } from "@sg/events";
import type { SnapshotChange, Transition } from "../snapshot-diff.js";
import type { MetricMeta } from "../metric-meta.js";
import type { BoardReconciliation } from "../reconciliation-tile.js";
import type { BoardHistory } from "../history-line.js";

export const KEEP_TRANSITIONS: number;
export function dueKey(d: Pick<DueItem, "metric" | "item" | "id">): string;
export function alertKey(a: Pick<FiringAlert, "metric" | "kind">): string;
export interface BoardShop {
  key: string;
  snapshot: StoredSnapshot;
  meta: Record<string, MetricMeta>;
  transitions: Transition[];
  reconciliation?: BoardReconciliation | null;
  history?: BoardHistory | null;
}
export interface BoardModel {
  shops: Map<string, BoardShop>;
}
export function createModel(): BoardModel;
export function applySnapshot(
  model: BoardModel,
  msg: {
    shop: string;
    snapshot: StoredSnapshot;
    meta?: Record<string, MetricMeta>;
    transitions?: Transition[];
    reconciliation?: BoardReconciliation | null;
    history?: BoardHistory | null;
  },
): void;
export function applyReconciliation(model: BoardModel, msg: { shop: string; reconciliation: BoardReconciliation | null }): boolean;
export function applyHistory(model: BoardModel, msg: { shop: string; history: BoardHistory | null }): boolean;
export function applyChange(model: BoardModel, change: SnapshotChange): boolean;
