import type { AlertRecord } from "@sg/events";
import type { Logger } from "@sg/logger";
import type { Redis } from "@sg/redis";
import type { Keys } from "./keys.js";
import type { NotifierMetrics } from "./metrics.js";
import {
  applyRecord,
  evaluateGroup,
  forgetAlert,
  newGroup,
  type AlertEntry,
  type GroupRoute,
  type GroupState,
  type Mute,
} from "./model/group.js";
import { inhibitedBy } from "./model/inhibition.js";
import { quietUntil } from "./model/quiet-hours.js";
import { groupKeyOf, groupsFor, type RouteSpec } from "./model/routing.js";
import { activeSilenceFor, shopKey, type CompiledSilence } from "@sg/events";
import type { SilenceStore } from "@sg/events/runtime";
import type { AlertRegistry } from "./state/registry.js";
import type { GroupStore } from "./state/group-store.js";

export interface GroupEngineDeps {
  routes: readonly RouteSpec[];
  redis: Redis;
  keys: Keys;
  groups: GroupStore;
  registry: AlertRegistry;
  silences: SilenceStore;
  metrics: NotifierMetrics;
  logger: Logger;
  now: () => number;
  recheckMs: number;
  /** Most due groups handled per tick. */
  batch: number;
}

export function toGroupRoute(r: RouteSpec): GroupRoute {
  return {
    id: r.id,
    receivers: r.receivers,
    mentions: { mobiles: r.mentions?.mobiles ?? [], userIds: r.mentions?.userIds ?? [], all: r.mentions?.all ?? false },
    groupWait: r.groupWait,
    groupInterval: r.groupInterval,
    repeatInterval: r.repeatInterval,
    resolveAfter: r.resolveAfter,
  };
}

/**
 * The notifier's model over Redis: `ingest` applies an `sg.alerts` record to the registry and to every
 * group it routes to; `processDue` runs the ticker step of each due group (model/group.ts) with silences,
 * inhibition and quiet hours, and queues flushed notifications for the receivers.
 */
export function createGroupEngine(d: GroupEngineDeps) {
  const routeById = new Map(d.routes.map((r) => [r.id, { spec: r, route: toGroupRoute(r) }]));

  /** Applies `rec`; resolves with the soonest wake-up of the groups it reached (undefined: none). */
  async function ingest(rec: AlertRecord): Promise<number | undefined> {
    const applied = await d.registry.apply(rec);
    if (applied === "stale") {
      d.metrics.records.inc({ result: "stale" });
      return undefined;
    }
    let soonest: number | undefined;
    const targets = groupsFor(d.routes, rec);
    d.metrics.records.inc({ result: targets.length === 0 ? "unrouted" : applied });
    // A duplicate (same seq) is applied again: the groups ignore what they already hold, and a group
    // that missed it before a crash gets it now.
    for (const t of targets) {
      const route = toGroupRoute(t.route);
      const now = d.now();
      const create = () => newGroup(t.groupId, route, groupKeyOf(t.route, t.labels), t.labels, now);
      const r = await d.groups.update(t.groupId, (s) => applyRecord(s, rec, now, route, create));
      if (r.state !== null) {
        await d.groups.scheduleEarlier(t.groupId, r.state.nextAt);
        soonest = Math.min(soonest ?? Infinity, r.state.nextAt);
      }
    }
    return soonest;
  }

  interface TickContext {
    now: number;
    /** The silences that can apply to each shop of this tick, read once per shop through the store's index. */
    silences: Map<string, CompiledSilence[]>;
    shops: Map<string, Map<string, AlertRecord>>;
  }

  async function shopSilences(ctx: TickContext, platform: string, shopId: string): Promise<void> {
    const k = shopKey({ platform, shopId });
    if (!ctx.silences.has(k)) ctx.silences.set(k, await d.silences.forShop(platform, shopId));
  }

  async function shopRecords(ctx: TickContext, platform: string, shopId: string): Promise<Map<string, AlertRecord>> {
    const k = shopKey({ platform, shopId });
    let m = ctx.shops.get(k);
    if (!m) {
      m = await d.registry.shop(platform, shopId);
      ctx.shops.set(k, m);
    }
    return m;
  }

  /** Brings entries up to the registry: a group that missed a record (or whose alert moved away) is repaired. */
  async function syncWithRegistry(s: GroupState, route: GroupRoute, ctx: TickContext): Promise<GroupState | null> {
    let cur: GroupState | null = s;
    for (const e of Object.values(s.alerts)) {
      if (cur === null) break;
      const latest = (await shopRecords(ctx, e.record.platform, e.record.shopId)).get(e.key);
      if (!latest || latest.seq <= e.record.seq) continue;
      const stillHere = groupsFor(d.routes, latest).some((g) => g.groupId === s.id);
      const base: GroupState = cur;
      cur = stillHere ? applyRecord(base, latest, ctx.now, route, () => base) : forgetAlert(base, e.key, ctx.now, route);
    }
    return cur;
  }

  function muteFor(spec: RouteSpec, ctx: TickContext, shopRecs: (e: AlertEntry) => Map<string, AlertRecord> | undefined) {
    return (e: AlertEntry): Mute | null => {
      const r = e.record;
      const silence = activeSilenceFor(
        ctx.silences.get(shopKey(r)) ?? [],
        { platform: r.platform, shop: r.shopId, metric: r.metric, severity: r.severity, kind: r.kind },
        ctx.now,
      );
      // A silence can be removed early, so look again within recheckMs even if it ends later.
      if (silence) return { reason: "silenced", until: Math.min(silence.endsMs, ctx.now + d.recheckMs) };
      const recs = shopRecs(e);
      if (recs && inhibitedBy(r, recs.values())) return { reason: "inhibited", until: null };
      if (r.severity === "warning") {
        const until = quietUntil(spec.quietHours, ctx.now);
        if (until !== null) return { reason: "quiet", until };
      }
      return null;
    };
  }

  async function processGroup(id: string, ctx: TickContext): Promise<void> {
    const target = routeById.get(id.slice(0, id.indexOf("|")));
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await d.groups.load(id);
      if (stored === null) {
        await d.groups.scheduleAfterWrite(id, null, null);
        return;
      }
      if (!target) {
        // The route is gone from the configuration: its groups go too, without messages.
        if ((await d.groups.cas(id, stored.token, null)) !== null) await d.groups.scheduleAfterWrite(id, null, null);
        continue;
      }
      const synced = await syncWithRegistry(stored.state, target.route, ctx);
      let next: GroupState | null = synced;
      let notification = null;
      if (synced !== null) {
        for (const e of Object.values(synced.alerts)) {
          await shopRecords(ctx, e.record.platform, e.record.shopId);
          await shopSilences(ctx, e.record.platform, e.record.shopId);
        }
        const mute = muteFor(target.spec, ctx, (e) => ctx.shops.get(shopKey(e.record)));
        const r = evaluateGroup(synced, { now: ctx.now, route: target.route, mute, recheckMs: d.recheckMs });
        next = r.state;
        notification = r.notification;
      }
      const token = await d.groups.cas(id, stored.token, next);
      if (token === null) continue; // another writer got in first: recompute
      if (notification) {
        d.metrics.notifications.inc({ status: notification.status });
        d.logger.info(
          {
            group: id,
            notification: notification.id,
            status: notification.status,
            alerts: notification.alerts.length,
            receivers: target.route.receivers.length,
          },
          "group flushed",
        );
      }
      if (next !== null) {
        for (const [receiver, queued] of Object.entries(next.outbox)) {
          await d.redis.zadd(d.keys.pending(receiver), "NX", queued[0]?.createdAt ?? ctx.now, id);
        }
      }
      await d.groups.scheduleAfterWrite(id, next === null ? null : token, next);
      return;
    }
    // Lost every race: leave it due, the next tick tries again.
  }

  async function processDue(): Promise<number> {
    const now = d.now();
    const ids = await d.groups.due(now, d.batch);
    if (ids.length === 0) return 0;
    const ctx: TickContext = { now, silences: new Map(), shops: new Map() };
    for (const id of ids) await processGroup(id, ctx);
    return ids.length;
  }

  return { ingest, processDue };
}
