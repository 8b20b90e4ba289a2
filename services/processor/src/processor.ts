import { DEFAULT_SHOP_LIVE_ENTITIES } from "@sg/config";
import { shopKey, type Topics } from "@sg/events";
import { createProducer, type Consumer, type EachBatchPayload, type Kafka, type Producer } from "@sg/kafka";
import type { Redis, ReplicaGate } from "@sg/redis";
import { applyIsolatingPoison, type IsolatedApply } from "./consume/poison.js";
import { PartitionProgress } from "./consume/partition-progress.js";
import { chunksOf, deadLetterMessage, type DeadLetter, type DeadLetterKind } from "./dead-letters.js";
import { evaluateAndPublish, type ShopConfigSource } from "./evaluator.js";
import { intake } from "./intake.js";
import { checkCalendarConfig, checkScoreConfig } from "./scores/startup.js";
import type { Log } from "./log.js";
import { ProjectionWriter } from "./projection/projection.js";
import { EntityStore, type LiveEntityQuota, type ShopEvents } from "./state/entity-store.js";
import { shopLimitsOf, type ProcessorMetrics } from "./telemetry.js";

export interface ProcessorDeps {
  kafka: Kafka;
  redis: Redis;
  topics: Topics;
  keyPrefix: string;
  groupId: string;
  /** The processor's clock: the wall clock in service, a fixed or simulated one in `replay`. */
  clock: () => number;
  config: ShopConfigSource;
  log: Log;
  metrics?: ProcessorMetrics;
  /** How often dirty shops are re-evaluated (ms). */
  evalIntervalMs?: number;
  /** How often the deadline ticker looks for due shops (ms); 0 turns the ticker off. */
  tickMs?: number;
  /**
   * Test-only (env.ts SG_TEST_PAUSE_BEFORE_EVAL_MS): an evaluation pass with shops to evaluate waits this long
   * first, so a test can kill the process after the offset commit and before the evaluation. Unset in service.
   */
  pauseBeforeEvalMs?: number;
  /**
   * Test-only (env.ts SG_TEST_POISON_SHOPS): applying any of these shops' events fails as a poison record
   * would, so a test can watch the quarantine move the partition on. Unset in service.
   */
  testPoisonShops?: ReadonlySet<string>;
  /**
   * Test-only (env.ts SG_TEST_PAUSE_BEFORE_COMMIT_MS): each batch, once applied and before its offset is
   * resolved, is logged and held this long, so a test can kill the process with a batch in flight. Unset in service.
   */
  pauseBeforeCommitMs?: number;
  /** REDIS_MIN_REPLICAS_ACK: a batch's offsets move only once its Redis writes reached the replicas. */
  replicas?: ReplicaGate;
}

export interface Processor {
  start(): Promise<void>;
  /** Stops intake, finishes the batch in hand, evaluates what is dirty, disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Evaluates every shop changed since the last evaluation, and every shop whose deadline is due. */
  flush(throttle?: boolean): Promise<void>;
  /** Records consumed so far (applied or dead-lettered). */
  readonly handled: number;
  readonly running: boolean;
  /** Partitions of sg.events this instance owns since the last group join. */
  readonly assignedPartitions: readonly number[];
  readonly store: EntityStore;
  /** Lag and advance of each partition this instance owns (readiness and the stalled-partition gauge). */
  readonly progress: PartitionProgress;
}

/** A shop's live-entity quota: its own setting, else the configuration's, else the default. */
function liveEntityLimit(config: ShopConfigSource, shopKey: string): number {
  return config.shops?.[shopKey]?.liveEntities ?? config.quotas?.shopLiveEntities ?? DEFAULT_SHOP_LIVE_ENTITIES;
}

/** How many shops one evaluation pass evaluates at once. */
const EVAL_CONCURRENCY = 16;

/** The processor (architecture.md): `sg.events` → Redis state via Lua → metric status → `sg.alerts`. */
export function createProcessor(deps: ProcessorDeps): Processor {
  checkScoreConfig(deps.config);
  checkCalendarConfig(deps.config);
  const store = new EntityStore(deps.redis, deps.keyPrefix);
  const projection = new ProjectionWriter(deps.redis, deps.keyPrefix);
  const producer: Producer = createProducer(deps.kafka);
  let consumer: Consumer | undefined;
  /** Shops to re-evaluate, with their partition of sg.events. */
  const dirty = new Map<string, number>();
  const progress = new PartitionProgress();
  deps.metrics?.watchProgress(progress);
  /** Partitions of sg.events this instance owns now (from the last group join). */
  let assigned: number[] = [];
  let handled = 0;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** The flush under way, if any; it never rejects (see `flush`). */
  let flushing: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  async function eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const now = deps.clock();
    const last = batch.messages[batch.messages.length - 1]!;
    // The lag is known from the first fetch (also right after a restart), before anything is applied, so a
    // partition that cannot advance shows its lag and how long it has not moved.
    const fetchedLag = Number(batch.highWatermark) - Number(batch.messages[0]!.offset);
    progress.fetched(batch.partition, fetchedLag);
    deps.metrics?.consumerLag(batch.partition, fetchedLag);
    const byShop = new Map<string, ShopEvents>();
    /** The record each event came from, for a quota refusal or a quarantine. */
    const origin = new Map<ShopEvents["events"][number], (typeof batch.messages)[number]>();
    /** Events refused for the shop's live-entity quota (a set: a shop retried alone may report one again). */
    const overQuota = new Map<ShopEvents["events"][number], string>();
    const quota: LiveEntityQuota = {
      limit: (k) => liveEntityLimit(deps.config, k),
      refused: (k, e) => overQuota.set(e, k),
    };
    const dead: DeadLetter[] = [];
    const source = (m: (typeof batch.messages)[number]) => ({
      key: m.key,
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      value: m.value?.toString("utf8") ?? null,
    });
    for (const m of batch.messages) {
      const r = intake(m.value, now);
      if (!r.ok) {
        dead.push({ ...source(m), kind: r.kind, reason: r.reason });
        continue;
      }
      const key = shopKey(r.event);
      let entry = byShop.get(key);
      if (!entry) byShop.set(key, (entry = { shop: { platform: r.event.platform, shopId: r.event.shopId }, events: [] }));
      entry.events.push({ event: r.event, atMs: r.atMs });
      origin.set(entry.events[entry.events.length - 1]!, m);
    }
    let result: IsolatedApply;
    try {
      // Each shop is marked due in its partition's index before its events are committed (no evaluation lost).
      result = await applyIsolatingPoison(byShop, (part) => {
        if (deps.testPoisonShops)
          for (const k of part.keys()) if (deps.testPoisonShops.has(k)) throw new Error(`planted poison for ${k} (test only)`);
        return store.applyBatch(part, now, () => batch.partition, quota);
      });
    } catch (err) {
      // A transient failure (Redis away): thrown on to kafkajs with nothing resolved, so the batch is fetched
      // again and no offset moves past it.
      deps.metrics?.batchFailures.inc();
      deps.log.warn({ err, partition: batch.partition, size: batch.messages.length }, "batch not applied (Redis); it will be retried");
      throw err;
    }
    const { changed, quarantined } = result;
    for (const [e, k] of overQuota) {
      if (quarantined.has(k)) continue;
      dead.push({
        ...source(origin.get(e)!),
        kind: "quota",
        reason: `quota: shop ${k} holds its limit of ${liveEntityLimit(deps.config, k)} live entities (quotas.shopLiveEntities, or shops["${k}"].liveEntities); this event would add another`,
      });
    }
    for (const [key, why] of quarantined) {
      const { events } = byShop.get(key)!;
      for (const e of events)
        dead.push({
          ...source(origin.get(e)!),
          kind: "quarantined",
          reason: `quarantined: the shop's events of this batch kept failing to apply: ${why}`,
        });
      deps.metrics?.quarantinedShops.inc();
      deps.log.error(
        { shop: key, events: events.length, partition: batch.partition, failure: why },
        "shop's events quarantined to the dead-letter topic; the partition moves on",
      );
    }
    for (const [key, { events }] of byShop)
      if (!quarantined.has(key)) for (const e of events) deps.metrics?.observeEventAge((now - e.atMs) / 1000);
    if (dead.length > 0) {
      for (const chunk of chunksOf(dead.map(deadLetterMessage))) await producer.send({ topic: deps.topics.dlq, messages: chunk });
      // One line per batch, not per record: a flood of refused records must not become a flood of log lines.
      const byKind = new Map<DeadLetterKind, number>();
      for (const d of dead) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
      for (const [kind, n] of byKind) deps.metrics?.deadLetter(kind, n);
      deps.log.warn(
        {
          partition: batch.partition,
          deadLettered: dead.length,
          byKind: Object.fromEntries(byKind),
          sample: dead[0]!.reason.slice(0, 300),
        },
        "records dead-lettered",
      );
    }
    if (deps.pauseBeforeCommitMs) {
      const offsets = { firstOffset: batch.messages[0]!.offset, lastOffset: last.offset };
      deps.log.warn({ partition: batch.partition, ...offsets }, "test pause: batch applied, offset not committed");
      await new Promise((r) => setTimeout(r, deps.pauseBeforeCommitMs));
    }
    // Its writes on the replicas first (a failover keeps them); a shortfall throws, so the batch is fetched again.
    await deps.replicas?.wait();
    // Offsets are resolved only now that Redis has applied the batch and the dead letters are acknowledged.
    resolveOffset(last.offset);
    handled += batch.messages.length;
    let applied = 0;
    const refusedOf = new Map<string, number>();
    for (const k of overQuota.values()) refusedOf.set(k, (refusedOf.get(k) ?? 0) + 1);
    for (const [key, n] of changed) {
      const events = byShop.get(key)!.events.length - (refusedOf.get(key) ?? 0);
      if (n > 0) applied += events;
      dirty.set(key, batch.partition);
    }
    const lag = Number(batch.highWatermark) - Number(last.offset) - 1;
    progress.advanced(batch.partition, lag);
    deps.metrics?.eventsApplied.inc(applied);
    deps.metrics?.duplicates.inc(batch.messages.length - dead.length - applied);
    deps.metrics?.eventsConsumed.inc(batch.messages.length);
    deps.metrics?.consumerLag(batch.partition, lag);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /**
   * Wall-clock cost of each shop's last evaluation. A periodic flush re-evaluates a shop no sooner than 4×
   * its last evaluation took, so one very large shop cannot take more than about a fifth of the processor's
   * time; its changes are still all applied, only the re-evaluation is coalesced.
   */
  const lastEval = new Map<string, { at: number; ms: number }>();

  async function flushOnce(throttle: boolean): Promise<void> {
    const now = deps.clock();
    // Only the owner of a partition fires its timers, so instances do not evaluate each other's shops.
    let due = 0;
    for (const p of assigned) {
      for (const key of await store.dueShops(p, now)) {
        due += 1;
        if (!dirty.has(key)) dirty.set(key, p);
      }
    }
    deps.metrics?.dueShops.set(due);
    const wall = performance.now();
    const keys = [...dirty].filter(([k]) => {
      const last = lastEval.get(k);
      return !throttle || !last || wall - last.at >= 4 * last.ms;
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
  }

  async function evaluateOne([key, partition]: [string, number], now: number): Promise<void> {
    const started = performance.now();
    try {
      const ev = await evaluateAndPublish({
        store,
        projection,
        producer,
        alertsTopic: deps.topics.alerts,
        config: deps.config,
        shopKey: key,
        partition,
        nowMs: now,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
      });
      deps.metrics?.evaluations.inc();
      deps.metrics?.evaluationSeconds.observe((performance.now() - started) / 1000);
      if (ev) deps.metrics?.exportShop(ev.snapshot, shopLimitsOf(ev));
      lastEval.set(key, { at: performance.now(), ms: performance.now() - started });
    } catch (err) {
      dirty.set(key, partition);
      deps.log.error({ err, shop: key }, "evaluation failed; will retry");
    }
  }

  function flush(throttle = false): Promise<void> {
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
   * flush). Each pass is scheduled after the previous one ends, so a slow or failing Redis never piles up
   * passes; a failed pass is logged and counted, and the next one retries what is still dirty.
   */
  let failedPasses = 0;
  let lastFailureLog = 0;
  function scheduleLoop(everyMs: number): void {
    timer = setTimeout(() => {
      flush(true)
        .then(() => {
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
          if (running) scheduleLoop(everyMs);
        });
    }, everyMs);
  }

  /**
   * Joins the group and consumes. A batch that fails (Redis down while applying it) throws out of eachBatch
   * with its offsets unresolved, so kafkajs fetches it again; once its retries are spent the consumer crashes
   * and restarts itself (`restartOnFailure`). Nothing acknowledged is lost by that: offsets are committed only
   * after Redis applied the batch. A crash kafkajs will not restart (a non-retriable error) gets a fresh
   * consumer here, so intake never stops for good while the service runs.
   */
  async function startConsumer(): Promise<Consumer> {
    // 10 s: a crashed member's partitions move to a restarted one sooner than with the 30 s default.
    const c = deps.kafka.consumer({
      groupId: deps.groupId,
      maxWaitTimeInMs: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      retry: { restartOnFailure: async () => running },
    });
    c.on(c.events.GROUP_JOIN, (e) => {
      assigned = e.payload.memberAssignment[deps.topics.events] ?? [];
      progress.assigned(assigned);
      deps.metrics?.partitionsAssigned(assigned);
    });
    c.on(c.events.CRASH, ({ payload }) => {
      assigned = [];
      deps.metrics?.consumerCrashes.inc();
      deps.log.error({ err: payload.error, restart: payload.restart }, "sg.events consumer crashed");
      if (!payload.restart && running) setTimeout(() => void replaceConsumer(c), 1000);
    });
    await c.connect();
    await c.subscribe({ topics: [deps.topics.events], fromBeginning: true });
    await c.run({ eachBatchAutoResolve: false, eachBatch });
    return c;
  }

  async function replaceConsumer(crashed: Consumer): Promise<void> {
    if (!running || consumer !== crashed) return;
    try {
      await crashed.disconnect();
      const fresh = await startConsumer();
      if (!running) {
        await fresh.disconnect(); // stopped meanwhile
        return;
      }
      consumer = fresh;
      deps.log.info({}, "sg.events consumer replaced after a crash");
    } catch (err) {
      deps.log.error({ err }, "could not restart the sg.events consumer; trying again");
      setTimeout(() => void replaceConsumer(crashed), 5000);
    }
  }

  return {
    store,
    progress,
    get handled() {
      return handled;
    },
    get running() {
      return running;
    },
    get assignedPartitions() {
      return assigned;
    },
    async start() {
      await producer.connect();
      consumer = await startConsumer();
      running = true;
      // Every pass evaluates changed shops and looks for due deadlines, so one loop at the shorter period does both.
      const tickMs = deps.tickMs ?? 1000;
      scheduleLoop(tickMs > 0 ? Math.min(deps.evalIntervalMs ?? 250, tickMs) : (deps.evalIntervalMs ?? 250));
    },
    stop() {
      stopping ??= (async () => {
        running = false;
        if (timer) clearTimeout(timer);
        await consumer?.disconnect();
        await flush().catch((err) => deps.log.error({ err }, "final evaluation failed"));
        await producer.disconnect();
      })();
      return stopping;
    },
    flush,
  };
}
