import type { MetricOutput } from "@sg/events";
import type { MetricDef, RulePack } from "@sg/rules";
import type { Range } from "./calendar.js";
import type { ShopModel } from "./model.js";
import type { ScoreContext } from "../scores/compute.js";
import type { ShopCalendar } from "./calendar-entries.js";

/** What a metric kind measures, before status, headroom and alerts are derived (status.ts). */
export interface Measured {
  value: number | null;
  numerator?: number;
  denominator?: number;
  pending?: number;
  /** Pending items whose deadline falls within the lead time, and the value if all of them turn out bad. */
  due?: { count: number; soonest: number; projected: number | null };
  /** The pending items themselves (consumer, order or after-sale id, and deadline): the board's live queue. */
  pendingItems?: PendingItem[];
  /** Moments after `asOf` at which the result can change without a new event (deadlines, lead entries). */
  wakeups: number[];
  /** Fields a kind defines itself (`tier`, `penalty`). */
  extra?: Record<string, unknown>;
}

/** A pending item of a metric: the entity it belongs to and its deadline (epoch ms). */
export interface PendingItem {
  id: string;
  deadline: number;
}

/** Threshold and target after the shop's overrides. */
export interface Limits {
  threshold: number | null;
  target: number | null;
  leadMs: number;
}

/** A metric's status and its output in `replay` and the snapshot: the contract of @sg/events (snapshot.ts). */
export type Status = MetricOutput["status"];
export type { MetricOutput };

export interface MetricState {
  name: string;
  def: MetricDef;
  limits: Limits;
  measured: Measured;
  output: MetricOutput;
  /** Status is warning or better, but pending items due within the lead time would make it breach. */
  atRisk: boolean;
  /** The value is on the wrong side of the target (or, for the dispute rule, one more would breach). */
  pastTarget: boolean;
}

export interface KindInput<D> {
  name: string;
  def: D;
  model: ShopModel;
  asOf: number;
  window: Range;
  limits: Limits;
  pack: RulePack;
  /** Metrics already evaluated (kinds that depend on others run last). */
  others: Map<string, MetricState>;
  shop: ShopOverrides;
}

export interface ShopOverrides {
  /** The shop's pack choice (`latest` or a pack id; its own, else its platform's); absent: the contract-v1 pack. */
  pack?: string | undefined;
  metrics?: Record<
    string,
    { threshold?: number | null; target?: number | null; leadTime?: number | string; exclusionLeaves?: "both" | "numerator" } | undefined
  >;
  jdServiceNorms?: number;
  /** What the shop's score reads of the configuration (scores/context.ts). */
  score?: ScoreContext;
  /** The calendar entries that apply to the shop (calendar-entries.ts); absent: none. */
  calendar?: ShopCalendar | undefined;
}

export type KindFn<D> = (input: KindInput<D>) => Measured;
