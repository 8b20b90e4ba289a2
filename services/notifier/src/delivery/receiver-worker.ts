import { randomUUID } from "node:crypto";
import { toShanghaiIso } from "@sg/events";
import type { Logger } from "@sg/logger";
import type { Redis, ReplicaGate } from "@sg/redis";
import type { Channel, SendResult } from "../channels/channel.js";
import { fitContent } from "../channels/fit.js";
import { sendOnce } from "../channels/http.js";
import type { Keys } from "../keys.js";
import type { NotifierMetrics } from "../metrics.js";
import { ackOutbox } from "../model/group.js";
import type { Notification } from "../model/types.js";
import type { createDeliveryStatusStore } from "../state/delivery-status.js";
import type { GroupStore } from "../state/group-store.js";
import { scripts } from "../state/scripts.js";
import { backoffMs, type RetryPolicy } from "./backoff.js";
import { planMessages, type Composer, type PlannedMessage } from "./plan.js";

export interface ReceiverWorkerDeps {
  name: string;
  channel: Channel;
  redis: Redis;
  keys: Keys;
  groups: GroupStore;
  compose: Composer;
  status: ReturnType<typeof createDeliveryStatusStore>;
  metrics: NotifierMetrics;
  logger: Logger;
  now: () => number;
  random: () => number;
  retry: RetryPolicy;
  httpTimeoutMs: number;
  leaseMs: number;
  /**
   * A robot with a rate limit gets nothing before its oldest queued notification is this old, so that a
   * burst whose groups flush over several ticks (their group_wait counts from each alert's arrival) goes
   * out as one summary, not as a detailed first message and a trickle of small ones spending the tokens.
   */
  mergeWaitMs: number;
  /** Most groups read per drain. */
  batch: number;
  /**
   * REDIS_MIN_REPLICAS_ACK: a notification is sent only once its outbox entry is on the replicas, and its
   * removal after delivery is waited on them too.
   */
  replicas?: ReplicaGate;
}

/** Halving the items shown after a robot's "too large" answer, at most this many times. */
const MAX_SHRINKS = 4;

/**
 * Delivers what groups have queued for one receiver. One instance at a time holds the receiver's lease;
 * each message takes a token from the receiver's buckets first; retryable errors back off (state kept in
 * memory: a restart retries at once, which the robot's own limit answer then slows down again);
 * notifications are acknowledged in their group only after the robot accepted them or they were given up.
 */
export function createReceiverWorker(d: ReceiverWorkerDeps) {
  const leaseKey = d.keys.lock(d.name);
  const pendingKey = d.keys.pending(d.name);
  const log = d.logger.child({ receiver: d.name, channel: d.channel.type });
  let leaseToken: string | null = null;
  let retryAt = 0;
  let attempts = 0;
  let failingSince: number | null = null;
  /**
   * Notifications delivered (or given up) whose removal from the outbox is not known to have reached Redis and
   * its replicas: a Redis failover or outage may bring them back, and this instance then removes them again
   * instead of sending them a second time.
   */
  const unconfirmed = new Set<string>();

  async function acquire(): Promise<boolean> {
    const token = randomUUID();
    const ok = await d.redis.set(leaseKey, token, "PX", d.leaseMs, "NX");
    leaseToken = ok === "OK" ? token : null;
    return leaseToken !== null;
  }

  async function release(): Promise<void> {
    if (leaseToken === null) return;
    const token = leaseToken;
    leaseToken = null;
    await scripts.releaseLease(d.redis, leaseKey, token);
  }

  async function queued(): Promise<Notification[]> {
    const ids = await d.redis.zrange(pendingKey, 0, d.batch - 1);
    if (ids.length === 0) return [];
    const loaded = await d.groups.loadMany(ids);
    // Index entries without an outbox are dropped; the ticker re-adds any that a race removed too early.
    const empty = ids.filter((id) => (loaded.get(id)?.state.outbox[d.name]?.length ?? 0) === 0);
    if (empty.length > 0) await d.redis.zrem(pendingKey, ...empty);
    return [...loaded.values()].flatMap((g) => g.state.outbox[d.name] ?? []).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Removes delivered (or given-up) notifications from their groups' outboxes. */
  async function ack(notifications: readonly Notification[]): Promise<void> {
    const replicaMark = d.replicas?.mark();
    for (const n of notifications) unconfirmed.add(n.id);
    const byGroup = new Map<string, Set<string>>();
    for (const n of notifications) byGroup.set(n.groupId, (byGroup.get(n.groupId) ?? new Set()).add(n.id));
    for (const [groupId, ids] of byGroup) {
      const r = await d.groups.update(groupId, (s) => (s === null ? null : ackOutbox(s, d.name, ids)));
      if (r.state === null || !r.state.outbox[d.name]) await d.redis.zrem(pendingKey, groupId);
      if (r.written && r.state === null) await d.groups.scheduleAfterWrite(groupId, null, null);
    }
    await d.replicas?.wait(replicaMark);
    for (const n of notifications) unconfirmed.delete(n.id);
  }

  /** Posts a message, shrinking it if the robot says it is too large. */
  async function post(m: PlannedMessage): Promise<SendResult> {
    const key = m.notifications.map((n) => n.id).join(",");
    let fitted = fitContent(d.channel, m.content);
    if (fitted === null) return { outcome: "permanent", code: "too_large_local" };
    for (let shrink = 0; ; shrink++) {
      const end = d.metrics.deliverySeconds.startTimer({ channel: d.channel.type });
      const result = await sendOnce(d.channel, fitted.body, { now: d.now(), timeoutMs: d.httpTimeoutMs, key });
      end();
      d.metrics.deliveries.inc({ receiver: d.name, channel: d.channel.type, outcome: result.outcome });
      if (result.outcome !== "too_large" || shrink >= MAX_SHRINKS || fitted.shown <= 1) return result;
      const smaller: ReturnType<typeof fitContent> = fitContent(d.channel, m.content, Math.floor(fitted.shown / 2));
      if (smaller === null) return result;
      fitted = smaller;
    }
  }

  async function giveUp(m: PlannedMessage, result: SendResult, outcome: "permanent" | "too_large" | "retry_exhausted"): Promise<void> {
    const ids = m.notifications.map((n) => n.id);
    log.error(
      { code: result.code, outcome, notifications: ids.length, alerts: m.content.alerts.length },
      "delivery failed; notifications given up and recorded",
    );
    d.metrics.failures.inc({ receiver: d.name, channel: d.channel.type, code: result.code });
    d.metrics.notificationDeliveries.inc({ channel: d.channel.type, result: outcome }, m.notifications.length);
    await d.status.fail({
      receiver: d.name,
      channel: d.channel.type,
      outcome,
      code: result.code,
      at: toShanghaiIso(d.now()),
      notificationIds: ids,
      alerts: m.content.alerts.map((a) => a.key),
    });
    await ack(m.notifications);
  }

  /** One pass: deliver what is queued, as far as tokens and the robot allow. */
  async function drain(): Promise<void> {
    if (d.now() < retryAt) return;
    // Scores are when each group's oldest undelivered notification was queued: the first is the oldest.
    const oldest = await d.redis.zrange(pendingKey, 0, 0, "WITHSCORES");
    if (oldest.length === 0) return;
    if (d.channel.buckets.length > 0 && d.now() < Number(oldest[1]) + d.mergeWaitMs) return;
    if (!(await acquire())) return;
    try {
      const all = await queued();
      if (unconfirmed.size > 0) {
        // Already delivered by this instance: removed again, not sent again. Those no longer queued are safe.
        const queuedIds = new Set(all.map((n) => n.id));
        for (const id of unconfirmed) if (!queuedIds.has(id) && all.length < d.batch) unconfirmed.delete(id);
        const again = all.filter((n) => unconfirmed.has(n.id));
        if (again.length > 0) await ack(again);
      }
      const plan = planMessages(
        d.channel,
        all.filter((n) => !unconfirmed.has(n.id)),
        d.compose,
      );
      // Nothing is sent before the flush that queued it is on the replicas (whichever instance wrote it): a
      // failover that lost the flush would queue it again, and it would go out twice.
      if (plan.length > 0) await d.replicas?.wait();
      for (const m of plan) {
        if (d.channel.buckets.length > 0) {
          const wait = await scripts.takeToken(d.redis, d.keys.bucket(d.name), d.now(), d.channel.buckets);
          if (wait > 0) {
            retryAt = d.now() + wait;
            return;
          }
        }
        if (!(await scripts.extendLease(d.redis, leaseKey, leaseToken ?? "", d.leaseMs))) return;
        const result = await post(m);
        if (result.outcome === "ok") {
          attempts = 0;
          failingSince = null;
          if (m.notifications.length > 1) d.metrics.merged.inc({ receiver: d.name }, m.notifications.length);
          d.metrics.notificationDeliveries.inc({ channel: d.channel.type, result: "sent" }, m.notifications.length);
          await ack(m.notifications);
          await d.status.record({
            receiver: d.name,
            channel: d.channel.type,
            outcome: "ok",
            code: result.code,
            at: toShanghaiIso(d.now()),
            notificationIds: m.notifications.map((n) => n.id),
          });
          continue;
        }
        if (result.outcome === "retryable") {
          const now = d.now();
          failingSince ??= now;
          attempts += 1;
          if (now - failingSince >= d.retry.maxElapsedMs) {
            await giveUp(m, result, "retry_exhausted");
            attempts = 0;
            failingSince = null;
            continue;
          }
          const delay = backoffMs(d.retry, attempts, d.random, result.retryAfterMs);
          retryAt = now + delay;
          // Names the notifications: a robot that took the message before the timeout gets it again.
          log.warn(
            { code: result.code, attempt: attempts, retryInMs: delay, notifications: m.notifications.map((n) => n.id) },
            "delivery failed; will retry",
          );
          await d.status.record({
            receiver: d.name,
            channel: d.channel.type,
            outcome: "retryable",
            code: result.code,
            at: toShanghaiIso(now),
            notificationIds: m.notifications.map((n) => n.id),
          });
          return;
        }
        await giveUp(m, result, result.outcome);
      }
    } finally {
      await release();
    }
  }

  return { name: d.name, channel: d.channel.type, drain, release };
}
export type ReceiverWorker = ReturnType<typeof createReceiverWorker>;
