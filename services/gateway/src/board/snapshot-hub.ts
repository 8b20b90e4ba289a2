import { addDays, parseShopKey, shanghaiDayOf, snapshotKeys, StoredSnapshot, type DayEnd, type ReconciliationReport } from "@sg/events";
import { createDayEndReader, createReconciliationReader } from "@sg/events/runtime";
import type { Redis } from "@sg/redis";
import type { FastifyBaseLogger } from "fastify";
import type { TokenScope } from "../http/auth.js";
import { boardHistory, HISTORY_LINE_DAYS, type BoardHistory } from "./history-line.js";
import { metricMeta, type MetricMeta, type ShopOverrides } from "./metric-meta.js";
import { boardReconciliation, type BoardReconciliation } from "./reconciliation-tile.js";
import { diffSnapshots, type SnapshotChange, type Transition } from "./snapshot-diff.js";

/**
 * The board's fan-out of the snapshot projection. One dedicated subscriber connection listens
 * on the projection's channel; for each announced shop that some connected board may see, the hub reads the
 * snapshot once, diffs it against the one it last sent, and sends the change to every board that holds that
 * shop. A board's first message for a shop is the whole snapshot. The hub only reads the projection: it never
 * runs the engine.
 *
 * Consistency: all work on one shop (a board's first snapshot, each change) runs in one queue per shop, so
 * every board holding a shop holds the same version the next change starts `from`.
 *
 * Beside the snapshot, the hub sends each shop's latest reconciliation with the platform's figures (the board's
 * reconciliation tile): with the shop's first snapshot, then as a `reconciliation` event when the report
 * changes. Reports change about once a day and announce nothing, so the hub re-reads them for the shops on
 * boards every `reconciliationRefreshMs`. Like changes, they go only to boards that hold the shop.
 *
 * The same holds for each shop's daily history (the tiles' 30-day lines, history-line.ts): sent with the first
 * snapshot, and as a `history` event when any of its 30 end-of-day values appears or is settled (the line is
 * re-read at the same refresh: one read of 30 fields per shop on a board, 60 s apart by default).
 */
export interface BoardClient {
  readonly scope: TokenScope;
  /** Sends one server-sent event; returns false when the client is gone or too far behind (the hub drops it). */
  send(event: BoardEvent, data: object): boolean;
}

export type BoardEvent = "snapshot" | "change" | "reconciliation" | "history";

export interface ShopSnapshotMessage {
  shop: string;
  snapshot: StoredSnapshot;
  meta: Record<string, MetricMeta>;
  transitions: Transition[];
  /** The latest reconciliation's summary; null: no report yet. Absent when the hub reads none. */
  reconciliation?: BoardReconciliation | null;
  /** The last 30 days' end-of-day values; null: none kept yet. Absent when the hub reads none. */
  history?: BoardHistory | null;
}

/** A shop's daily history gained or settled a day. */
export interface ShopHistoryMessage {
  shop: string;
  history: BoardHistory | null;
}

/** A shop's reconciliation summary changed (a new day was compared, or its figures arrived). */
export interface ShopReconciliationMessage {
  shop: string;
  reconciliation: BoardReconciliation | null;
}

export interface SnapshotHub {
  /** Sends the client every shop it may see (at most `maxShops`), then keeps it updated. Returns detach. */
  attach(client: BoardClient): Promise<{ shops: number; truncated: boolean; detach: () => void }>;
  close(): Promise<void>;
}

export interface SnapshotHubOptions {
  redis: Redis;
  keyPrefix: string;
  overrides: ShopOverrides;
  logger: FastifyBaseLogger;
  /** Most shops one board receives (the overview of a `*` token on a large deployment). */
  maxShops?: number;
  /** Recent transitions kept per shop and sent with its first snapshot. */
  keepTransitions?: number;
  /** Where the latest reconciliation reports are read; default: the reconciler's reports in `redis`; false: none. */
  reconciliation?: { latest(shop: { platform: string; shopId: string }): Promise<ReconciliationReport | null> } | false;
  /** How often the reports (and the 30-day history lines) of the shops on boards are re-read (ms); default 60 s. */
  reconciliationRefreshMs?: number;
  /** Where the end-of-day values are read; default: the processor's day-end history in `redis`; false: none. */
  history?: { days(shop: { platform: string; shopId: string }, days: readonly string[]): Promise<DayEnd[]> } | false;
  /** The clock that says which day is yesterday (Shanghai); default Date.now. */
  now?: () => number;
}

interface Attached {
  client: BoardClient;
  shops: Set<string>;
  closed: boolean;
}

export function createSnapshotHub(o: SnapshotHubOptions): SnapshotHub {
  const keys = snapshotKeys(o.keyPrefix);
  const maxShops = o.maxShops ?? 500;
  const keep = o.keepTransitions ?? 30;
  const clients = new Set<Attached>();
  const cache = new Map<string, StoredSnapshot>();
  const transitions = new Map<string, Transition[]>();
  const queued = new Set<string>();
  const chains = new Map<string, Promise<void>>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<void> | undefined;
  const reports = o.reconciliation === false ? undefined : (o.reconciliation ?? createReconciliationReader(o.redis, o.keyPrefix));
  /** Per shop on a board: the reconciliation summary last read, and its JSON (to send only what changed). */
  const recon = new Map<string, { json: string; value: BoardReconciliation | null }>();
  let reconTimer: NodeJS.Timeout | undefined;
  const dayEnds = o.history === false ? undefined : (o.history ?? createDayEndReader(o.redis, o.keyPrefix));
  const now = o.now ?? Date.now;
  /** Per shop on a board: its history line as last read, and its JSON (to send only what changed). */
  const hist = new Map<string, { json: string; value: BoardHistory | null }>();

  const allows = (a: Attached, key: string) => {
    const s = parseShopKey(key);
    return s !== null && a.client.scope.allows(s.platform, s.shopId);
  };

  /** Runs `task` after every earlier task of the same shop; a failure is logged and does not stop the queue. */
  const inShopQueue = (key: string, task: () => Promise<void>): Promise<void> => {
    const p = (chains.get(key) ?? Promise.resolve()).then(task).catch((err: unknown) => {
      o.logger.warn({ err, shop: key }, "board: reading a shop snapshot failed");
    });
    chains.set(key, p);
    void p.finally(() => {
      if (chains.get(key) === p) chains.delete(key);
    });
    return p;
  };

  const read = async (key: string): Promise<StoredSnapshot | null> => {
    const shop = parseShopKey(key);
    if (shop === null) return null;
    const json = await o.redis.get(keys.snapshot(shop));
    if (json === null) return null;
    const parsed = StoredSnapshot.safeParse(JSON.parse(json));
    if (!parsed.success) {
      // Written by an incompatible processor: skip it rather than show numbers the board cannot read.
      o.logger.warn(
        { shop: key, problems: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`) },
        "board: a stored snapshot does not match the contract",
      );
      return null;
    }
    return parsed.data;
  };

  /** Reads a shop's reconciliation summary into `recon`; returns whether it changed. A failed read keeps the last one. */
  const readRecon = async (key: string): Promise<boolean> => {
    const shop = parseShopKey(key);
    if (reports === undefined || shop === null) return false;
    let value: BoardReconciliation | null;
    try {
      value = boardReconciliation(await reports.latest(shop));
    } catch (err) {
      o.logger.warn({ err, shop: key }, "board: reading a shop's reconciliation failed");
      return false;
    }
    const json = JSON.stringify(value);
    if (recon.get(key)?.json === json) return false;
    recon.set(key, { json, value });
    return true;
  };
  const ensureRecon = async (key: string) => {
    if (reports !== undefined && !recon.has(key)) await readRecon(key);
    if (dayEnds !== undefined && !hist.has(key)) await readHistory(key);
  };

  /**
   * Reads a shop's history line (its last 30 days) into `hist`; returns whether it changed since the last read.
   * The whole line is read each refresh, not only when yesterday's take changes: a rebuild (or a late day-end
   * take) may write older days after a board first read the line, and those must reach an open board too.
   */
  const readHistory = async (key: string): Promise<boolean> => {
    const shop = parseShopKey(key);
    if (dayEnds === undefined || shop === null) return false;
    const to = shanghaiDayOf(now() - 86_400_000);
    const held = hist.get(key);
    try {
      const days = Array.from({ length: HISTORY_LINE_DAYS }, (_, i) => addDays(to, i - HISTORY_LINE_DAYS + 1));
      const value = boardHistory(await dayEnds.days(shop, days), to);
      const json = JSON.stringify(value);
      hist.set(key, { json, value });
      return held === undefined || held.json !== json;
    } catch (err) {
      o.logger.warn({ err, shop: key }, "board: reading a shop's daily history failed");
      return false;
    }
  };

  const drop = (a: Attached) => {
    a.closed = true;
    clients.delete(a);
  };
  const deliver = (a: Attached, event: BoardEvent, data: object) => {
    if (a.closed) return;
    if (!a.client.send(event, data)) drop(a);
  };
  const sendSnapshot = (a: Attached, key: string, snapshot: StoredSnapshot) => {
    const msg: ShopSnapshotMessage = {
      shop: key,
      snapshot,
      meta: metricMeta(snapshot.rulePack, key, o.overrides),
      transitions: transitions.get(key) ?? [],
    };
    if (reports !== undefined) msg.reconciliation = recon.get(key)?.value ?? null;
    if (dayEnds !== undefined) msg.history = hist.get(key)?.value ?? null;
    a.shops.add(key);
    deliver(a, "snapshot", msg);
  };

  const refresh = (key: string) => {
    if (queued.has(key)) return; // a read of this shop is already waiting: it will see this change too
    queued.add(key);
    void inShopQueue(key, async () => {
      queued.delete(key);
      const interested = [...clients].filter((a) => a.shops.has(key) || allows(a, key));
      if (interested.length === 0) {
        // Nobody watches it: forget it, so a later board never starts from a stale copy.
        cache.delete(key);
        recon.delete(key);
        hist.delete(key);
        return;
      }
      const next = await read(key);
      if (next === null) return;
      const prev = cache.get(key);
      if (prev !== undefined && next.version <= prev.version) return;
      cache.set(key, next);
      if (interested.some((a) => !a.shops.has(key))) await ensureRecon(key);
      let change: SnapshotChange | undefined;
      if (prev !== undefined) {
        change = diffSnapshots(key, prev, next);
        if (change.transitions !== undefined)
          transitions.set(key, [...change.transitions.reverse(), ...(transitions.get(key) ?? [])].slice(0, keep));
      }
      for (const a of interested) {
        if (a.closed) continue;
        if (a.shops.has(key) && change !== undefined) deliver(a, "change", change);
        else if (a.shops.size < maxShops || a.shops.has(key)) sendSnapshot(a, key, next);
      }
    });
  };

  /** Re-reads the reports of the shops on boards; a changed one goes to the boards holding the shop. */
  const refreshReconciliations = () => {
    const held = new Set([...clients].flatMap((a) => [...a.shops]));
    // A shop a board is still attaching (its summaries read, its snapshot not sent yet) is not held yet but is
    // watched: forgetting its summaries would make the next refresh send the same ones again as changes.
    const watched = (key: string) => held.has(key) || [...clients].some((a) => allows(a, key));
    for (const key of recon.keys()) if (!watched(key)) recon.delete(key);
    for (const key of hist.keys()) if (!watched(key)) hist.delete(key);
    for (const key of held)
      void inShopQueue(key, async () => {
        if (await readRecon(key)) {
          const msg: ShopReconciliationMessage = { shop: key, reconciliation: recon.get(key)?.value ?? null };
          for (const a of [...clients]) if (a.shops.has(key)) deliver(a, "reconciliation", msg);
        }
        if (await readHistory(key)) {
          const msg: ShopHistoryMessage = { shop: key, history: hist.get(key)?.value ?? null };
          for (const a of [...clients]) if (a.shops.has(key)) deliver(a, "history", msg);
        }
      });
  };

  const ensureSubscribed = (): Promise<void> => {
    subscribed ??= (async () => {
      // A connection in subscribe mode can run no other command: the hub's own, never the shared client.
      const sub = o.redis.duplicate();
      subscriber = sub;
      sub.on("message", (_channel: string, message: string) => refresh(message));
      let first = true;
      sub.on("ready", () => {
        // After a reconnect, announcements made while it was down are lost: re-read every shop on a board.
        if (!first) for (const key of cache.keys()) refresh(key);
        first = false;
      });
      sub.on("error", (err: Error) => o.logger.warn({ err: err.message }, "board: snapshot subscriber error"));
      await sub.subscribe(keys.channel());
      if (reports !== undefined || dayEnds !== undefined) {
        reconTimer = setInterval(refreshReconciliations, o.reconciliationRefreshMs ?? 60_000);
        reconTimer.unref();
      }
    })();
    return subscribed;
  };

  return {
    async attach(client) {
      await ensureSubscribed();
      const a: Attached = { client, shops: new Set(), closed: false };
      clients.add(a);
      const all = await o.redis.zrange(keys.shops(), 0, -1);
      const visible = all.filter((k) => allows(a, k)).sort();
      const mine = visible.slice(0, maxShops);
      await Promise.all(
        mine.map((key) =>
          inShopQueue(key, async () => {
            if (a.closed || a.shops.has(key)) return;
            await ensureRecon(key);
            let s = cache.get(key);
            if (s === undefined) {
              const fresh = await read(key);
              if (fresh === null) return;
              s = cache.get(key) ?? fresh;
              cache.set(key, s);
            }
            sendSnapshot(a, key, s);
          }),
        ),
      );
      return { shops: mine.length, truncated: visible.length > mine.length, detach: () => drop(a) };
    },
    async close() {
      for (const a of clients) drop(a);
      clearInterval(reconTimer);
      reconTimer = undefined;
      const sub = subscriber;
      subscriber = undefined;
      subscribed = undefined;
      if (sub !== undefined) await sub.quit().catch(() => sub.disconnect());
    },
  };
}
