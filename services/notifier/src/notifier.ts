import type { ScoreguardConfig } from "@sg/config";
import { AlertRecord, topicNames } from "@sg/events";
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from "@sg/kafka";
import type { Logger } from "@sg/logger";
import type { Redis, ReplicaGate } from "@sg/redis";
import { Registry } from "prom-client";
import { createChannel } from "./channels/index.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./delivery/backoff.js";
import { createReceiverWorker, type ReceiverWorker } from "./delivery/receiver-worker.js";
import { createGroupEngine } from "./group-engine.js";
import { createKeys } from "./keys.js";
import { composeNotification, composeSummary } from "./messages/compose.js";
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from "./messages/templates.js";
import { createNotifierMetrics } from "./metrics.js";
import { routeSpecs } from "./model/routing.js";
import { createSilenceStore, type SilenceStore } from "@sg/events/runtime";
import { createDeliveryStatusStore } from "./state/delivery-status.js";
import { createGroupStore } from "./state/group-store.js";
import { createAlertRegistry } from "./state/registry.js";
import { registerScripts } from "./state/scripts.js";

export interface NotifierDeps {
  config: ScoreguardConfig;
  redis: Redis;
  /** Without Kafka the notifier only runs its ticker; tests and replay feed `ingest` directly. */
  kafka?: Kafka;
  logger: Logger;
  /** Redis key prefix (`KEY_PREFIX`, default `sg`). */
  keyPrefix: string;
  /** Kafka topic prefix (`TOPIC_PREFIX`). */
  topicPrefix?: string;
  /** Kafka consumer group; default `${topicPrefix}sg.notifier`. */
  consumerGroup?: string;
  consumerConfig?: Partial<ConsumerConfig>;
  registry?: Registry;
  /** Wall clock by default; timers (group_wait, resolve_after, quiet hours…) all read it. */
  now?: () => number;
  random?: () => number;
  /**
   * Ticker period; default 1 s. A group due at once (group_wait 0) does not wait for it: the record that
   * makes a group due now starts a pass right away.
   */
  tickMs?: number;
  /** How soon a group with muted alerts or undelivered notifications is looked at again; default 30 s. */
  recheckMs?: number;
  retry?: Partial<RetryPolicy>;
  httpTimeoutMs?: number;
  /** A receiver's delivery lease; another instance takes over after this if one dies mid-delivery. */
  leaseMs?: number;
  /**
   * How long a rate-limited robot gathers queued notifications before a message, so a burst is merged
   * into one summary; default the larger of 1 s and two ticks (a burst's groups flush over several ticks).
   */
  mergeWaitMs?: number;
  grafanaUrl?: string;
  templatesDir?: URL;
  /**
   * REDIS_MIN_REPLICAS_ACK: an alert's offset moves, and a delivered notification counts as delivered, only
   * once the Redis writes behind it reached the replicas (a failover then neither drops nor resends it).
   */
  replicas?: ReplicaGate;
}

export interface Notifier {
  /** Starts consuming `sg.alerts` (if Kafka was given) and the ticker. */
  start(): Promise<void>;
  /** Idempotent and single-flight: stops the consumer and the ticker, waits for the current tick. */
  stop(): Promise<void>;
  /** One ticker pass: due groups, then deliveries. */
  tick(): Promise<void>;
  /** Applies one record, as the consumer does. */
  ingest(record: AlertRecord): Promise<void>;
  ready(): Promise<boolean>;
  silences: SilenceStore;
  registry: Registry;
}

/** After its first join, group flushes wait at most this long for the consumer to read what arrived while none ran. */
const CATCH_UP_MAX_MS = 15_000;
/** kafkajs's default session timeout: a killed notifier stays a member of the group this long, and a new one's join waits for it. */
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

/** `createNotifier(deps)` is what tests drive; `main.ts` only reads env, builds clients and wires shutdown. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const tickMs = deps.tickMs ?? 1000;
  const recheckMs = deps.recheckMs ?? 30_000;
  const registry = deps.registry ?? new Registry();
  const keys = createKeys(deps.keyPrefix);
  const metrics = createNotifierMetrics(registry, async () => {
    // Not while Redis is away: the client would queue the commands and hold the scrape open; the gauge keeps
    // its last values and sg_redis_up shows why.
    if (deps.redis.status !== "ready") return {};
    const names = Object.keys(deps.config.receivers);
    const counts = await Promise.all(names.map((name) => deps.redis.zcard(keys.pending(name))));
    return Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0]));
  });
  const logger = deps.logger;
  const grafanaUrl = deps.grafanaUrl ?? deps.config.grafana?.url ?? "http://localhost:3000";
  registerScripts(deps.redis);

  const routes = routeSpecs(deps.config.routes);
  // A group lives as long as its alerts fire; it is rewritten at least every repeat_interval.
  const maxRepeat = Math.max(0, ...routes.map((r) => r.repeatInterval));
  const groups = createGroupStore(deps.redis, keys, Math.max(7 * 86_400_000, 3 * maxRepeat));
  const silences = createSilenceStore(deps.redis, deps.keyPrefix, { now });
  const engine = createGroupEngine({
    routes,
    redis: deps.redis,
    keys,
    groups,
    registry: createAlertRegistry(deps.redis, keys),
    silences,
    metrics,
    logger,
    now,
    recheckMs,
    batch: 500,
  });
  const status = createDeliveryStatusStore(deps.redis, keys);
  const workers: ReceiverWorker[] = Object.entries(deps.config.receivers).map(([name, receiver]) => {
    const templates = loadTemplates(receiver.language ?? deps.config.language, deps.templatesDir ?? DEFAULT_TEMPLATE_DIR);
    const opts = { templates, grafanaUrl };
    return createReceiverWorker({
      name,
      channel: createChannel(name, receiver, { grafanaUrl }),
      redis: deps.redis,
      keys,
      groups,
      compose: { one: (n) => composeNotification(n, opts), many: (ns) => composeSummary(ns, opts) },
      status,
      metrics,
      logger,
      now,
      random,
      retry: { ...DEFAULT_RETRY, ...deps.retry },
      httpTimeoutMs: deps.httpTimeoutMs ?? 5_000,
      leaseMs: deps.leaseMs ?? 30_000,
      mergeWaitMs: deps.mergeWaitMs ?? Math.max(1_000, 2 * tickMs),
      batch: 500,
      ...(deps.replicas ? { replicas: deps.replicas } : {}),
    });
  });

  // Each receiver's channel starts at 0 for every result (and its latency histogram empty), so the first
  // delivery shows as an increase: rate() and increase() cannot see a series' first value (rules.yml
  // "deliveries failing", the pipeline dashboard's delivery panels).
  for (const w of workers) {
    for (const result of ["sent", "permanent", "too_large", "retry_exhausted"])
      metrics.notificationDeliveries.inc({ channel: w.channel, result }, 0);
    metrics.deliverySeconds.zero({ channel: w.channel });
  }

  let consumer: Consumer | null = null;
  let consumerJoined = false;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let inFlight: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  // After a start, groups are flushed only once this consumer has read sg.alerts up to where each of its
  // partitions ended when it joined, so what arrived while no notifier ran goes into the groups it belongs to
  // (a group whose wait expired meanwhile is sent with it, not before it), or after CATCH_UP_MAX_MS at most from
  // the first join. The join itself can wait for a killed predecessor's session to run out (sessionTimeout), so
  // before it the wait is bounded by sessionTimeout + CATCH_UP_MAX_MS from the start (a broker that never answers
  // must not hold back groups already due in Redis for ever).
  let caughtUp = deps.kafka === undefined;
  let catchUpDeadline = Infinity;
  /** Partition → the end offset at the join this consumer has still to read up to (exclusive). */
  const behind = new Map<number, bigint>();
  /** Partition → the next offset after the last record this consumer handled. */
  const handled = new Map<number, bigint>();

  function markCaughtUp(): void {
    if (caughtUp) return;
    caughtUp = true;
    passNow();
  }

  /** The end offsets of the assigned partitions at the first join, against what the group has committed. */
  async function catchUpTargets(topic: string, groupId: string, partitions: readonly number[]): Promise<void> {
    const admin = deps.kafka!.admin();
    try {
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of partitions) {
        const e = ends.find((x) => x.partition === p);
        const end = BigInt(e?.high ?? "0");
        // Without a committed offset the consumer starts at the partition's beginning (fromBeginning).
        const c = BigInt(committed?.partitions.find((x) => x.partition === p)?.offset ?? "-1");
        const start = c < 0n ? BigInt(e?.low ?? "0") : c;
        const h = handled.get(p);
        const from = h !== undefined && h > start ? h : start;
        if (from < end) behind.set(p, end);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (behind.size === 0) markCaughtUp();
  }

  /** A record of `partition` at `offset` was handled: the partition may have reached its end at the join. */
  function handledUpTo(partition: number, offset: string): void {
    const next = BigInt(offset) + 1n;
    handled.set(partition, next);
    const end = behind.get(partition);
    if (end !== undefined && next >= end) {
      behind.delete(partition);
      if (behind.size === 0) markCaughtUp();
    }
  }

  async function tick(): Promise<void> {
    const end = metrics.tickSeconds.startTimer();
    try {
      if (!caughtUp && performance.now() > catchUpDeadline) {
        logger.warn({ behind: [...behind.keys()] }, "sg.alerts not read up to its end at the join in time; flushing groups anyway");
        caughtUp = true;
      }
      if (caughtUp) await engine.processDue();
      // Receivers are independent robots: a slow one must not hold up the others.
      const results = await Promise.allSettled(workers.map((w) => w.drain()));
      for (const r of results) {
        if (r.status === "rejected") {
          metrics.errors.inc({ where: "delivery" });
          logger.error({ err: r.reason }, "delivery pass failed");
        }
      }
    } finally {
      end();
    }
  }

  /** A pass was asked for while one ran: it runs again as soon as that one ends. */
  let passAsked = false;

  /** One pass, then the next is scheduled: at once if one was asked for meanwhile, else a tick later. */
  function runPass(): void {
    timer = null;
    passAsked = false;
    inFlight = tick()
      .catch((err: unknown) => {
        metrics.errors.inc({ where: "tick" });
        logger.error({ err }, "ticker pass failed");
      })
      .finally(() => {
        inFlight = null;
        if (!running) return;
        if (passAsked) runPass();
        else schedule();
      });
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(runPass, tickMs);
  }

  /**
   * A group is due now (its group_wait is 0): a pass now instead of at the next tick. Passes stay one at a
   * time, so ordering, silences, retries and the outbox go exactly as on a tick; during a pass, one more
   * follows it at once.
   */
  function passNow(): void {
    if (!running) return;
    if (inFlight) {
      passAsked = true;
      return;
    }
    if (timer) clearTimeout(timer);
    runPass();
  }

  /** Applies a record; a group it made due by now gets its pass at once. */
  async function ingest(record: AlertRecord): Promise<void> {
    const soonest = await engine.ingest(record);
    if (soonest !== undefined && soonest <= now()) passNow();
  }

  async function handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const replicaMark = deps.replicas?.mark();
      const parsed = parseRecord(message.value);
      let soonest: number | undefined;
      if (parsed === null) {
        metrics.records.inc({ result: "invalid" });
        logger.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset }, "invalid sg.alerts record skipped");
      } else {
        soonest = await engine.ingest(parsed);
      }
      // Wall time, not the notifier's clock (a test clock): Kafka's timestamps are the producer's wall clock.
      const sentAt = Number(message.timestamp);
      if (Number.isFinite(sentAt) && sentAt > 0) metrics.recordDelay.observe(Math.max(0, (Date.now() - sentAt) / 1000));
      // The offset is resolved only once Redis has the effect (style.md, after kafkajs runner.js), on its replicas too.
      await deps.replicas?.wait(replicaMark);
      resolveOffset(message.offset);
      if (!caughtUp) handledUpTo(batch.partition, message.offset);
      // Once the group is on the replicas too, so a pass never flushes what a failover could take back.
      if (soonest !== undefined && soonest <= now()) passNow();
      await heartbeat();
    }
  }

  async function start(): Promise<void> {
    if (running) return;
    running = true;
    if (deps.kafka) {
      const topics = topicNames(deps.topicPrefix ?? "");
      const groupId = deps.consumerGroup ?? `${deps.topicPrefix ?? ""}sg.notifier`;
      consumer = deps.kafka.consumer({
        groupId,
        maxWaitTimeInMs: 500,
        ...deps.consumerConfig,
      });
      const sessionTimeout = deps.consumerConfig?.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT_MS;
      catchUpDeadline = performance.now() + sessionTimeout + CATCH_UP_MAX_MS;
      let joinedOnce = false;
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        consumerJoined = true;
        if (joinedOnce) return;
        joinedOnce = true;
        catchUpDeadline = Math.min(catchUpDeadline, performance.now() + CATCH_UP_MAX_MS);
        catchUpTargets(topics.alerts, groupId, payload.memberAssignment[topics.alerts] ?? []).catch((err: unknown) => {
          logger.warn({ err }, "could not read sg.alerts' end offsets at the join; groups flush without waiting for the catch-up");
          markCaughtUp();
        });
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        consumerJoined = false;
        metrics.errors.inc({ where: "consumer" });
        logger.error({ err: payload.error, restart: payload.restart }, "sg.alerts consumer crashed");
      });
      await consumer.connect();
      await consumer.subscribe({ topic: topics.alerts, fromBeginning: true });
      await consumer.run({ eachBatchAutoResolve: false, eachBatch: handleBatch });
    }
    schedule();
    logger.info({ routes: routes.length, receivers: workers.length, tickMs }, "notifier started");
  }

  async function stopOnce(): Promise<void> {
    running = false;
    if (timer) clearTimeout(timer);
    timer = null;
    if (consumer) await consumer.disconnect();
    consumer = null;
    consumerJoined = false;
    if (inFlight) await inFlight;
    await Promise.all(workers.map((w) => w.release()));
    logger.info("notifier stopped");
  }

  return {
    start,
    stop: () => (stopping ??= stopOnce()),
    tick,
    ingest,
    async ready() {
      if (!(running && deps.redis.status === "ready" && (deps.kafka === undefined || consumerJoined))) return false;
      return deps.replicas === undefined || (await deps.replicas.healthy());
    },
    silences,
    registry,
  };
}

/** Parses one `sg.alerts` value; null for anything that is not a valid AlertRecord. */
function parseRecord(value: Buffer | null): AlertRecord | null {
  if (value === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8"));
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
  const r = AlertRecord.safeParse(json);
  return r.success ? r.data : null;
}
