import { shopKey } from "@sg/events";
import type { EachBatchPayload, Producer } from "@sg/kafka";
import type { ReplicaGate } from "@sg/redis";
import type { Log } from "../log.js";
import type { ProcessorMetrics } from "../publish/telemetry.js";
import { liveEntityLimit, type ShopConfigSource } from "../shop-config.js";
import type { EntityStore, LiveEntityQuota, ShopEvents } from "../state/entity-store.js";
import { chunksOf, deadLetterMessage, type DeadLetter, type DeadLetterKind } from "./dead-letters.js";
import { intake } from "./intake.js";
import type { PartitionProgress } from "./partition-progress.js";
import { applyIsolatingPoison, type IsolatedApply } from "./poison.js";

export interface BatchApplyDeps {
  store: EntityStore;
  producer: Producer;
  progress: PartitionProgress;
  /** `sg.events.dlq`: where records that cannot be applied go, with their reason. */
  dlqTopic: string;
  clock: () => number;
  config: ShopConfigSource;
  log: Log;
  metrics?: ProcessorMetrics | undefined;
  /** Test-only (ProcessorDeps.testPoisonShops): applying these shops' events fails as a poison record would. */
  testPoisonShops?: ReadonlySet<string> | undefined;
  /** Test-only (ProcessorDeps.pauseBeforeCommitMs): each applied batch is held this long before its offset is resolved. */
  pauseBeforeCommitMs?: number | undefined;
  /** A batch's offsets move only once its Redis writes reached the replicas. */
  replicas?: ReplicaGate | undefined;
  /** Told of each shop a batch applied, with its partition, once the batch's offset is resolved: the shop needs an evaluation. */
  markDirty(shopKey: string, partition: number): void;
}

export interface BatchHandler {
  /** kafkajs's `eachBatch` (with `eachBatchAutoResolve: false`). */
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** Records consumed so far (applied or dead-lettered). */
  readonly handled: number;
}

/**
 * Applies each batch of `sg.events`: intake (parse, validate, age), one apply per shop into the state
 * (a shop whose events keep failing is quarantined), dead letters with their reasons, then the offset,
 * resolved only once Redis applied the batch (and its replicas have it) and the dead letters are acknowledged.
 */
export function createBatchHandler(deps: BatchApplyDeps): BatchHandler {
  const { store, producer, progress } = deps;
  let handled = 0;

  async function eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    // Before any write of the batch: a Redis master connection lost from here on fails the replica wait.
    const replicaMark = deps.replicas?.mark();
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
      for (const chunk of chunksOf(dead.map(deadLetterMessage))) await producer.send({ topic: deps.dlqTopic, messages: chunk });
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
    // Its writes on the replicas first (a failover keeps them); a shortfall, or a master connection lost since
    // the batch began, throws, so the batch is fetched again.
    await deps.replicas?.wait(replicaMark);
    // Offsets are resolved only now that Redis has applied the batch and the dead letters are acknowledged.
    resolveOffset(last.offset);
    // Wall time, not deps.clock (a test clock): Kafka's record timestamps are the producer's wall clock.
    const oldest = Number(batch.messages[0]!.timestamp);
    if (Number.isFinite(oldest) && oldest > 0) deps.metrics?.observeBatchDelay((Date.now() - oldest) / 1000);
    handled += batch.messages.length;
    let applied = 0;
    const refusedOf = new Map<string, number>();
    for (const k of overQuota.values()) refusedOf.set(k, (refusedOf.get(k) ?? 0) + 1);
    for (const [key, n] of changed) {
      const events = byShop.get(key)!.events.length - (refusedOf.get(key) ?? 0);
      if (n > 0) applied += events;
      deps.markDirty(key, batch.partition);
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

  return {
    eachBatch,
    get handled() {
      return handled;
    },
  };
}
