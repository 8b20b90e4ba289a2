import type { Producer } from "@sg/kafka";
import type { Log } from "../log.js";
import type { ShopConfigSource } from "../shop-config.js";
import type { EntityStore } from "../state/entity-store.js";
import type { DailyHistory } from "./day-end/daily-history.js";
import type { ProjectionWriter } from "./projection.js";
import type { EvidenceProjection } from "./evidence-projection.js";
import { evaluateAndPublish } from "./publish-evaluation.js";
import { shopLimitsOf, type ProcessorMetrics } from "./telemetry.js";

/**
 * How many shops one evaluation pass evaluates at once. An evaluation mostly waits for Redis: at 2,040 events/s over
 * 2,000 active shops, 64 gave alert p99 1.13 s where 16 gave 2.39 s (docs/bench.md, the latency section, one run each).
 */
const EVAL_CONCURRENCY = 64;

export interface EvaluationLoopDeps {
  store: EntityStore;
  projection: ProjectionWriter;
  /** End-of-day values, taken before an evaluation past a day's cut-off. */
  history?: DailyHistory | undefined;
  evidence?: EvidenceProjection | undefined;
  producer: Producer;
  /** `sg.alerts`. */
  alertsTopic: string;
  config: ShopConfigSource;
  clock: () => number;
  log: Log;
  metrics?: ProcessorMetrics | undefined;
  /** Test-only (ProcessorDeps.pauseBeforeEvalMs): a pass with shops to evaluate waits this long first. */
  pauseBeforeEvalMs?: number | undefined;
  /** Partitions of sg.events this instance owns now: only their due shops are evaluated here. */
  assigned(): readonly number[];
}

export interface EvaluationLoop {
  /** The shop changed (its events were applied): the next pass evaluates it. */
  markDirty(shopKey: string, partition: number): void;
  /** Evaluates every shop changed since the last evaluation, and every shop whose deadline is due; resolves to how many it evaluated. */
  flush(throttle?: boolean): Promise<number>;
  /** Starts the passes, one every `everyMs` (start to start; back to back when a pass takes longer). */
  start(everyMs: number): void;
  /** Schedules no more passes (a pass under way ends by itself; `flush` still works). */
  stop(): void;
}

/**
 * The evaluation loop: changed shops and shops whose deadline is due are evaluated, their alert transitions
 * published and their snapshots written (publish-evaluation.ts).
 */
export function createEvaluationLoop(deps: EvaluationLoopDeps): EvaluationLoop {
  const { store } = deps;
  /** Shops to re-evaluate, with their partition of sg.events. */
  const dirty = new Map<string, number>();
  /**
   * When each shop changed first since its last evaluation started (performance.now()): its evaluation's wait is
   * observed when the evaluation starts (sg_processor_evaluation_wait_seconds). Deadlines that come due are not
   * changes and are not timed here.
   */
  const dirtySince = new Map<string, number>();
  let active = false;
  let timer: NodeJS.Timeout | undefined;
  /** The flush under way, if any; it never rejects (see `flush`). */
  let flushing: Promise<void> | undefined;

  /**
   * Each shop's last evaluation: when it ended and its own cost (ownCostMs). A periodic flush re-evaluates a
   * shop no sooner than 4× that cost, so one very large shop cannot take more than about a fifth of the
   * processor's time; its changes are still all applied, only the re-evaluation is coalesced.
   */
  const lastEval = new Map<string, { at: number; ms: number }>();
  /** Evaluations under way now (up to EVAL_CONCURRENCY share the event loop and the Redis connection). */
  let inFlight = 0;
  /** The periodic passes' interval (start): a shop is re-evaluated by them no sooner than this after its last evaluation ended. */
  let everyMs = 0;

  /** Evaluates what is due and dirty; resolves to the number of shops evaluated. */
  async function flushOnce(throttle: boolean): Promise<number> {
    const now = deps.clock();
    // Only the owner of a partition fires its timers, so instances do not evaluate each other's shops. The
    // partitions' due indexes are read at once (one round trip each, not one after another).
    let due = 0;
    const assigned = deps.assigned();
    const dueByPartition = await Promise.all(assigned.map((p) => store.dueShops(p, now)));
    for (let i = 0; i < assigned.length; i++) {
      for (const key of dueByPartition[i]!) {
        due += 1;
        if (!dirty.has(key)) dirty.set(key, assigned[i]!);
      }
    }
    deps.metrics?.dueShops.set(due);
    // Shops whose items someone asked for and that are due a listing: evaluated now (the listing follows the
    // evaluation), if their due index is in one of this instance's partitions.
    for (const key of (await deps.evidence?.wantedShops()) ?? []) {
      if (dirty.has(key)) continue;
      const p = await store.duePartition(key, deps.assigned());
      if (p !== undefined) dirty.set(key, p);
    }
    const wall = performance.now();
    const keys = [...dirty].filter(([k]) => {
      const last = lastEval.get(k);
      return !throttle || !last || wall - last.at >= Math.max(4 * last.ms, everyMs);
    });
    for (const [k] of keys) dirty.delete(k);
    if (keys.length > 0 && deps.pauseBeforeEvalMs) await new Promise((r) => setTimeout(r, deps.pauseBeforeEvalMs));
    // Shops are independent: several are evaluated at once, so one pass's latency is not the sum of its
    // shops' round trips (the alert-latency goal). Each shop is still evaluated by one call at a time.
    let next = 0;
    const worker = async () => {
      while (next < keys.length) await evaluateOne(keys[next++]!, now);
    };
    await Promise.all(Array.from({ length: Math.min(EVAL_CONCURRENCY, keys.length) }, worker));
    return keys.length;
  }

  async function evaluateOne([key, partition]: [string, number], now: number): Promise<void> {
    const started = performance.now();
    const sharedWith = ++inFlight;
    const since = dirtySince.get(key);
    if (since !== undefined) {
      dirtySince.delete(key);
      deps.metrics?.evaluationWait.observe((started - since) / 1000);
    }
    try {
      const ev = await evaluateAndPublish({
        store,
        projection: deps.projection,
        producer: deps.producer,
        alertsTopic: deps.alertsTopic,
        config: deps.config,
        shopKey: key,
        partition,
        nowMs: now,
        ...(deps.history ? { history: deps.history } : {}),
        ...(deps.evidence ? { evidence: deps.evidence } : {}),
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
      });
      deps.metrics?.evaluations.inc();
      deps.metrics?.evaluationSeconds.observe((performance.now() - started) / 1000);
      if (ev) deps.metrics?.exportShop(ev.snapshot, shopLimitsOf(ev));
      if (ev) deps.metrics?.scoreEvaluated(ev.snapshot);
      if (ev) deps.metrics?.pendingExclusions(ev, partition);
      const ended = performance.now();
      lastEval.set(key, { at: ended, ms: ownCostMs(ended - started, sharedWith, inFlight) });
    } catch (err) {
      dirty.set(key, partition);
      if (since !== undefined && !dirtySince.has(key)) dirtySince.set(key, since);
      deps.log.error({ err, shop: key }, "evaluation failed; will retry");
    } finally {
      inFlight--;
    }
  }

  function flush(throttle = false): Promise<number> {
    // Single-flight: a flush already under way is followed by one more, so nothing dirtied meanwhile waits.
    // The chain holds only settled-ok promises: a failed flush (Redis down) must neither poison the ones
    // after it nor leave a rejected promise that nobody handles (Node exits on those). The caller still
    // gets the failure through `next`.
    const next = (flushing ?? Promise.resolve()).then(() => flushOnce(throttle));
    const settled = next.then(
      () => undefined,
      () => undefined, // reported to the caller of this flush, who logs and counts it
    );
    flushing = settled;
    void settled.then(() => {
      if (flushing === settled) flushing = undefined;
    });
    return next;
  }

  /**
   * One evaluation loop for changed shops and due deadlines (they used to be two intervals calling the same
   * flush). A pass starts `everyMs` after the previous one started, or as soon as it ends when it took longer
   * and evaluated shops (so a shop changed during a long pass waits for the rest of it, not for a further
   * interval too: alert latency is about one pass, not two and a pause); a pass that evaluated nothing waits
   * the whole interval. A shop is re-evaluated by the passes no sooner than `everyMs` after its last
   * evaluation ended (and 4× its cost, above), so passes back to back do not evaluate a busy shop more often.
   * Passes never overlap, so a slow or failing Redis never piles them up; a failed pass is logged and counted,
   * and the next one retries what is still dirty.
   */
  let failedPasses = 0;
  let lastFailureLog = 0;
  function scheduleLoop(delayMs: number): void {
    timer = setTimeout(() => {
      const started = performance.now();
      let delay = everyMs;
      flush(true)
        .then((evaluated) => {
          if (evaluated > 0) delay = Math.max(0, everyMs - (performance.now() - started));
          if (failedPasses > 0) deps.log.info({ failedPasses }, "evaluation passes succeed again");
          failedPasses = 0;
        })
        .catch((err: unknown) => {
          deps.metrics?.flushFailures.inc();
          failedPasses++;
          // Every pass fails during an outage: log the first and then one every 10 s; the counter has them all.
          if (Date.now() - lastFailureLog >= 10_000) {
            lastFailureLog = Date.now();
            deps.log.error({ err, failedPasses }, "evaluation pass failed; will retry");
          }
        })
        .finally(() => {
          if (active) scheduleLoop(delay);
        });
    }, delayMs);
  }

  return {
    markDirty(shopKey, partition) {
      dirty.set(shopKey, partition);
      if (!dirtySince.has(shopKey)) dirtySince.set(shopKey, performance.now());
    },
    flush,
    start(intervalMs) {
      active = true;
      everyMs = intervalMs;
      scheduleLoop(intervalMs);
    },
    stop() {
      active = false;
      if (timer) clearTimeout(timer);
    },
  };
}

/**
 * An evaluation's own cost from its wall time: evaluations under way together share the event loop and the
 * Redis connection, so each one's wall time counts the others' work too. Shared by `n` (the mean of how many
 * were under way when it started and when it ended, itself included), its own share is wall / n. Throttling
 * on wall time alone held every shop back by 4× a pass's length whenever 64 ran at once (docs/engine.md).
 */
export function ownCostMs(wallMs: number, underWayAtStart: number, underWayAtEnd: number): number {
  const n = Math.max(1, (underWayAtStart + underWayAtEnd) / 2);
  return wallMs / n;
}
