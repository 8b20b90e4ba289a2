import { contribCalendars, type ContribCalendars } from "../engine/calendar-items.js";
import type { Calendars } from "@sg/config";
import { shopCalendar, type ShopCalendar } from "../engine/calendar-entries.js";
import type { CalibrationInput, CanonicalEvent, Platform } from "@sg/events";
import { defineLuaScripts, isCluster, pipelineByNode, queueLuaScript, type NodeCall, type PipelineReply, type Redis } from "@sg/redis";
import { toShanghaiIso } from "@sg/events";
import { packForChoice, type RulePack } from "@sg/rules";
import { accountingFor, type Accounting } from "../engine/incremental/accounting.js";
import { windowRange } from "../engine/calendar.js";
import type { ShopEvaluation } from "../engine/evaluate.js";
import { decodeStored, encodeBody, encodeStoredBody } from "../engine/incremental/codec.js";
import { computeDelta, expireAt, storedMayExpire, type ShopDelta, type StoredRecord } from "../engine/incremental/delta.js";
import { daysToRead, evaluateAggregates, type ShopAggregates } from "../engine/incremental/measure.js";
import { encodeSeenAdds, fingerprint, seenFloorDay, type SeenAdds } from "../engine/incremental/seen-ids.js";
import { applyStep, loadKeysOf, parsePending, type LoadedShop } from "../engine/incremental/step.js";
import { PENDING_LISTED, pendingEntries } from "../engine/incremental/pending-effects.js";
import type { ShopOverrides } from "../engine/types.js";
import { CalibrationSource, type CalibrationReads } from "../scores/calibration-source.js";
import { SEEN_TTL_SECONDS, STATE_TTL_SECONDS } from "../retention.js";
import { createKeys, type Keys, type ShopRef } from "./keys.js";
import { CommitLog, stateMark } from "./commit-log.js";
import type { EvaluationInputs } from "./forecast-reader.js";
import {
  AggregateCache,
  DEFAULT_AGGREGATE_CACHE_BYTES,
  hashPart,
  heldStamp,
  pendingPart,
  type CachedPart,
  type PartName,
} from "./aggregate-cache.js";
import { uniqueToken } from "./unique-token.js";

/**
 * Reads that ride in each round trip of an evaluation's timer loop, after the evaluation's own commands in
 * the same pipeline (one shop: one slot), so that what follows the evaluation needs no round trip of its own
 * (forecast-reader.ts forecastPrefetch, the forecast's read). `queue` is told of the commit queued before
 * them in that round trip, if any; what the taker it returns makes of the round trip that ends the evaluation
 * reaches `used` (EvaluationInputs.prefetched).
 */
export interface EvaluationRider {
  queue(
    p: ReturnType<Redis["pipeline"]>,
    commit: { version: string; token: string; delta: ShopDelta } | undefined,
  ): (replies: PipelineReply[], commitReply: PipelineReply | undefined) => unknown;
}

/**
 * At most this many entity keys go to one load script call (loadEntities.lua): a shop's events of one batch
 * are applied in chunks under it, so no batch, however large for one shop, makes a script call unbounded.
 */
export const MAX_KEYS_PER_CALL = 1000;
/**
 * At most this many entities are recomputed by one timer pass of a shop; the rest wait for the next pass.
 * With the sweep's slice (at most a small hash's 512 records) a pass stays near MAX_KEYS_PER_CALL keys.
 */
const TIMER_BATCH = 500;
/**
 * The expiry sweep (readAggregates.lua): at most one step a minute per shop, each step scanning about 48
 * records of a large shop (a small shop's whole hash, at most 512 short records, is one step). A busy
 * shop's month of ~30,000 records is swept in about 10 hours, so an expired record outlives its expiry by
 * hours, not days; an evaluation with a step reads a few KB more.
 */
const SWEEP_COUNT = 48;
const SWEEP_EVERY_MS = 60_000;
/** What one evaluation reads of a shop: its aggregates, and the platform's figures when the shop calibrates. */
type ReadAggregates = ShopAggregates & { calibration?: Promise<CalibrationInput | undefined> };
/** What one read of a shop found (EntityStore.readShop). */
type ShopRead =
  | { kind: "none" }
  | { kind: "due"; due: string[]; scanned: string[] }
  | { kind: "aggregates"; aggregates: ReadAggregates; scanned: string[] };
/** What one read of a shop asks (EntityStore.readShop). */
interface ReadArgs {
  shop: ShopRef;
  pack: RulePack;
  now: number;
  calibration: CalibrationReads | undefined;
  /** Entities whose records are read with the aggregates (those with a pending exclusion). */
  appealedKeys: string[];
  /** Re-reads so far (at most 3). */
  attempt: number;
  /** Look for due timers first (and take the sweep's step when `sweep`). */
  dueCheck?: { sweep: boolean } | undefined;
}
/** A load's records and version (loadEntities.lua); `due`: the entities whose timers were due, when asked. */
type LoadedEntities = LoadedShop & { version: string; due: string[] };

/** Shops whose read plan is kept (EntityStore.readPlan); about 3 KB each. */
const READ_PLANS_KEPT = 10_000;

/** A commit that meets a newer state (another instance, during a rebalance) is recomputed this many times. */
const MAX_ATTEMPTS = 8;

const LUA_DIR = new URL("./lua/", import.meta.url);

export interface ShopEvents {
  shop: ShopRef;
  events: { event: CanonicalEvent; atMs: number }[];
}

/**
 * The processor's state, engine v2 (architecture.md "Bounded state, bounded work"): per shop, entity
 * records folded in any order, per-day aggregates changed by the differences of the entities'
 * contributions, pending items, and entity timers. One load and one commit script call per shop and pass,
 * pipelined across shops; the commit is atomic per shop and refused if the state moved since the load.
 */
export class EntityStore {
  readonly keys: Keys;
  /** Bytes of record, timer and aggregate values read by evaluations so far (the bench's "bytes read"). */
  bytesRead = 0;
  /** Commits refused because the shop's state moved since its load (each was recomputed and retried). */
  refusedCommits = 0;
  /** The entities this store's commits wrote, per shop (the forecast re-reads only those, forecast-reader.ts). */
  readonly commits = new CommitLog();
  /** The platform's figures for shops that opted in to score calibration (read with the shop's aggregates). */
  readonly calibration: CalibrationSource;
  /**
   * The configuration's `calendars`: their deadline extensions and excluded regions decide items where their
   * contributions are computed (engine/calendar-items.ts); absent: none.
   */
  calendars: Calendars | undefined;
  /** The aggregates this instance last read per shop, with their stamps (aggregate-cache.ts). */
  readonly aggregateCache: AggregateCache;
  /** Per shop, the parts and keys of its last aggregate read (readPlan). */
  private readonly readPlans = new Map<string, { from: number | undefined; names: PartName[]; keys: string[] }>();
  constructor(
    readonly redis: Redis,
    prefix: string,
    /** What a platform's shops account and keep (accounting.ts); tests give other packs. */
    readonly accounting: (platform: Platform) => Accounting = accountingFor,
    /**
     * The bound of the aggregates kept between evaluations (0: none kept, every part read each time). 256 MB holds
     * about 8,000 shops of the bench's mix of 30-day windows (docs/engine.md); at 64 MB, a little less than its 2,000 shops
     * took, a pass over them found none held.
     */
    aggregateCacheBytes = DEFAULT_AGGREGATE_CACHE_BYTES,
    /**
     * The connection for applying events (loads, commits, calendar tags): a connection of its own keeps a batch's
     * round trips from queueing behind the evaluations' reads on one socket (docs/engine.md "Two connections").
     * Default: `redis`.
     */
    readonly applyRedis: Redis = redis,
  ) {
    this.keys = createKeys(prefix);
    this.calibration = new CalibrationSource(redis, prefix);
    defineLuaScripts(redis, LUA_DIR);
    if (applyRedis !== redis) defineLuaScripts(applyRedis, LUA_DIR);
    this.aggregateCache = new AggregateCache(aggregateCacheBytes);
  }

  /**
   * Applies each shop's events, and marks each shop due now in its partition's due index before the
   * commit, in the same round trip (architecture.md "No evaluation is lost"). Resolves with the number of
   * entities each shop's events changed (0: duplicates only).
   */
  async applyBatch(
    byShop: Map<string, ShopEvents>,
    now: number,
    partitionOf: (shopKey: string) => number,
    quota?: LiveEntityQuota,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    // Each shop's events in chunks of at most MAX_KEYS_PER_CALL entity keys, so every script call does
    // bounded work (a shop's batch of 12,000 after-sales once made one HMGET too large for Lua, failing the
    // batch forever). Round r applies every shop's r-th chunk, pipelined across shops; a shop's chunks are
    // applied in order, each atomically. A crash between rounds leaves some chunks applied: the batch is
    // delivered again and those events change nothing (any arrival order or duplicate gives the same state).
    const chunked = new Map<string, ShopEvents[]>();
    for (const [k, v] of byShop) chunked.set(k, chunkEvents(v));
    for (let round = 0; ; round++) {
      const part = new Map<string, ShopEvents>();
      for (const [k, chunks] of chunked) if (round < chunks.length) part.set(k, chunks[round]!);
      if (part.size === 0) break;
      for (const [k, n] of await this.applyRound(part, now, partitionOf, quota)) out.set(k, (out.get(k) ?? 0) + n);
    }
    return out;
  }

  /** One load and one commit per shop of `byShop` (each within MAX_KEYS_PER_CALL keys), retried on refused commits. */
  private async applyRound(
    byShop: Map<string, ShopEvents>,
    now: number,
    partitionOf: (shopKey: string) => number,
    quota?: LiveEntityQuota,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let todo = [...byShop.keys()];
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new StateContentionError(todo.length);
      const loads = await this.loadMany(
        todo.map((k) => {
          const { shop, events } = byShop.get(k)!;
          return { shopKey: k, shop, keys: events.flatMap((e) => loadKeysOf(e.event)), ids: events.map((e) => e.event.id) };
        }),
        now,
      );
      const cals = await Promise.all(todo.map((k, i) => this.calendarsFor(byShop.get(k)!.shop, loads[i]!.records.values())));
      const commits = todo.map((k, i) => {
        const { shop, events } = byShop.get(k)!;
        const acc = this.accounting(shop.platform as Platform);
        const step = applyStep(
          acc.pack,
          loads[i]!,
          events,
          now,
          quota?.limit(k) ?? Infinity,
          acc.chatKeepDays,
          acc.retention.closedKeepMs,
          cals[i],
        );
        return { shopKey: k, shop, version: loads[i]!.version, ...step, due: partitionOf(k) };
      });
      const results = await this.commitMany(commits, now);
      todo = [];
      commits.forEach((c, i) => {
        if (results[i] === -1) todo.push(c.shopKey);
        else {
          out.set(c.shopKey, c.delta.changed);
          for (const e of c.refused) quota?.refused(c.shopKey, e);
        }
      });
    }
    return out;
  }

  /** The calendar entries that apply to a shop (calendar-entries.ts). */
  calendarOf(shop: ShopRef): ShopCalendar | undefined {
    return shopCalendar(this.calendars, shop.platform as Platform, shop.shopId);
  }

  /** Shops whose calendar tag this instance has written to the shop's `calendars` hash (tag, at). */
  private readonly tagsWritten = new Map<string, { tag: string; at: number }>();
  /** Shops whose every record this instance has seen computed under the current calendar (their tag). */
  private readonly recomputed = new Map<string, string>();

  /**
   * The calendars a shop's loaded records were computed under, and the current one (engine/calendar-items.ts).
   * Only a record computed under an earlier calendar needs the shop's `calendars` hash read; the current
   * calendar's tag is written there before any record carrying it is committed (once a day per shop and
   * instance, which also renews its expiry).
   */
  async calendarsFor(shop: ShopRef, records: Iterable<StoredRecord | undefined>): Promise<ContribCalendars> {
    let cals = contribCalendars(this.calendarOf(shop));
    for (const r of records) {
      if (r?.cal !== undefined && !cals.known.has(r.cal)) {
        const past = await this.applyRedis.hgetall(this.keys.calendars(shop));
        cals = contribCalendars(cals.current, Object.entries(past));
        break;
      }
    }
    const k = `${shop.platform}:${shop.shopId}`;
    const written = this.tagsWritten.get(k);
    if (cals.tag !== "" && (written?.tag !== cals.tag || Date.now() - written.at > 86_400_000)) {
      const key = this.keys.calendars(shop);
      await this.applyRedis.multi().hsetnx(key, cals.tag, cals.fingerprint).expire(key, STATE_TTL_SECONDS).exec();
      this.tagsWritten.set(k, { tag: cals.tag, at: Date.now() });
    }
    return cals;
  }

  /**
   * docs/calendars.md "Status": after the calendar's deadline extensions or excluded regions change, every
   * record of the shop computed under another calendar is recomputed under the current one before the shop is
   * evaluated, as if the calendar had always been so. The records are scanned in slices (HSCAN, at most
   * MAX_KEYS_PER_CALL recomputed per commit); a record met twice by the scan is already current and skipped;
   * the shop's meta field `ct` records the calendar all its records are computed under, so the scan runs once
   * per calendar change.
   */
  private async recomputeForCalendar(shop: ShopRef, now: number): Promise<void> {
    const tag = contribCalendars(this.calendarOf(shop)).tag;
    const k = `${shop.platform}:${shop.shopId}`;
    if (this.recomputed.get(k) === tag) return;
    const meta = this.keys.shopMeta(shop);
    if (((await this.redis.hget(meta, "ct")) ?? "") !== tag) {
      const acc = this.accounting(shop.platform as Platform);
      let cursor = "0";
      do {
        const [next, kv] = await this.redis.hscan(this.keys.entities(shop), cursor, "COUNT", 500);
        cursor = next;
        const stale: string[] = [];
        for (let i = 0; i < kv.length; i += 2) if ((decodeStored(kv[i]!, kv[i + 1]!).cal ?? "") !== tag) stale.push(kv[i]!);
        for (let at = 0; at < stale.length; at += MAX_KEYS_PER_CALL) {
          const keys = stale.slice(at, at + MAX_KEYS_PER_CALL);
          for (let attempt = 0; ; attempt++) {
            if (attempt >= MAX_ATTEMPTS) throw new StateContentionError(1);
            const [load] = await this.loadMany([{ shopKey: "", shop, keys, ids: [] }], now);
            // Only records still under another calendar (an apply may have recomputed some meanwhile).
            const todo = keys.filter((x) => load!.records.get(x) !== undefined && (load!.records.get(x)!.cal ?? "") !== tag);
            if (todo.length === 0) break;
            const cals = await this.calendarsFor(shop, load!.records.values());
            const delta = computeDelta(acc.pack, load!.records, [], now, todo, acc.chatKeepDays, acc.retention.closedKeepMs, cals);
            const [reply] = await this.commitMany([{ shopKey: "", shop, version: load!.version, delta }], now);
            if (reply !== -1) break;
          }
        }
      } while (cursor !== "0");
      await this.redis.multi().hset(meta, "ct", tag).expire(meta, STATE_TTL_SECONDS).exec();
    }
    this.recomputed.set(k, tag);
  }

  /**
   * Recomputes the shop's entities whose timers are due (deadlines passed, expiries), then reads its
   * aggregates and evaluates it at `now`.
   */
  async evaluate(
    shop: ShopRef,
    now: number,
    overrides: ShopOverrides,
    /** Told what the evaluation read and used (the forecast reads only what it did not, forecast-reader.ts). */
    used?: (inputs: EvaluationInputs) => void,
    /** Reads to ride in the evaluation's round trips (EvaluationRider); what they read reaches `used`. */
    rider?: EvaluationRider,
  ): Promise<ShopEvaluation | undefined> {
    const acc = this.accounting(shop.platform as Platform);
    const pack = packInForce(shop, overrides, now);
    await this.recomputeForCalendar(shop, now);
    // Due timers in passes of TIMER_BATCH, with the expired records the sweep's one step found: every
    // committed pass moves each timer it took past `now` (or deletes its entity), so the loop ends; only
    // commits refused for a newer state count as retries, and they keep what the sweep found.
    // A pass takes two round trips: the read that finds timers due brings their records (loadEntities.lua
    // beside readAggregates.lua in one pipeline), and the commit brings the read that follows it.
    let sweep = true;
    const expired = new Set<string>();
    const cal = overrides.score?.calibrate ? this.calibration.reads(shop, now) : undefined;
    let agg: ReadAggregates | undefined;
    let next: { read: ShopRead; load: LoadedEntities; ridden: unknown } | undefined;
    let prefetched: unknown;
    for (let conflicts = 0; ;) {
      // One call reads the aggregates, or, when timers are due, names their entities instead (readAggregates.lua).
      const { read, load, ridden } = next ?? (await this.readWithDue(shop, pack, now, cal, undefined, { sweep }, rider));
      next = undefined;
      sweep = false;
      prefetched = ridden;
      if (read.kind === "none") return undefined;
      for (let i = 0; i < read.scanned.length; i += 2) {
        const k = read.scanned[i]!;
        const v = read.scanned[i + 1]!;
        this.bytesRead += k.length + v.length;
        // Most records of a slice are far from their expiry: those are told from their base, not decoded.
        if (!storedMayExpire(v, now, acc.retention.closedKeepMs)) continue;
        if (now >= expireAt(k, decodeStored(k, v).rec, acc.retention.closedKeepMs)) expired.add(k);
      }
      if (read.kind === "aggregates" && expired.size === 0) {
        agg = read.aggregates;
        break;
      }
      const due = read.kind === "due" ? load.due : [];
      for (const k of due) this.bytesRead += k.length;
      const keys = new Set([...due, ...expired]);
      // The timers the read found due were moved by a commit between the two scripts: read again.
      if (keys.size === 0) {
        if (++conflicts >= MAX_ATTEMPTS) throw new Error("evaluating: the shop's state kept changing under this instance");
        continue;
      }
      // Expired records (rare) bring their orders: loaded apart.
      const loaded = expired.size === 0 ? load : (await this.loadMany([{ shopKey: "", shop, keys: [...keys], ids: [] }], now))[0]!;
      const cals = await this.calendarsFor(shop, loaded.records.values());
      const delta = computeDelta(acc.pack, loaded.records, [], now, keys, acc.chatKeepDays, acc.retention.closedKeepMs, cals);
      const commit = this.commitCall({ shop, version: loaded.version, delta }, now);
      const after = await this.readWithDue(shop, pack, now, cal, commit, { sweep: false }, rider, { version: loaded.version, delta });
      if (after.committed !== -1) {
        expired.clear();
        next = after;
      } else if (++conflicts >= MAX_ATTEMPTS) throw new Error("evaluating: the shop's state kept changing under this instance");
    }
    const calibration = await agg.calibration;
    const shopOverrides = calibration ? { ...overrides, score: { ...overrides.score, calibration } } : overrides;
    used?.({ pack, aggregates: agg, overrides: shopOverrides, prefetched });
    return evaluateAggregates(
      { platform: shop.platform as Platform, shopId: shop.shopId, asOf: now, shop: shopOverrides, pack },
      agg,
      acc.slotsOf(pack),
    );
  }

  /**
   * One round trip of an evaluation's timer loop: `commit` first when given, then the shop's read with its
   * due check and the records of its due entities (loadEntities.lua in the same pipeline, so that a timer
   * pass needs no round trip of its own to load them). `committed`: the commit's reply (-1 refused).
   */
  private async readWithDue(
    shop: ShopRef,
    pack: RulePack,
    now: number,
    calibration: CalibrationReads | undefined,
    commit: (NodeCall & { token: string; settle(reply: PipelineReply): number }) | undefined,
    dueCheck: { sweep: boolean },
    rider?: EvaluationRider,
    /** With `commit`: the version it was computed from and its delta (for the rider). */
    made?: { version: string; delta: ShopDelta },
  ): Promise<{ read: ShopRead; load: LoadedEntities; committed: number | undefined; ridden: unknown }> {
    const read = this.readCall(shop, pack, now, calibration, [], dueCheck);
    const load = this.loadCall(shop, [], [], now, true);
    // One shop's keys share one hash slot: one pipeline, in order, on a cluster too.
    const p = this.redis.pipeline();
    commit?.queue(p);
    const at = p.length;
    read.queue(p);
    const loadAt = p.length;
    load.queue(p);
    const riderAt = p.length;
    const ride = rider?.queue(p, commit && made ? { version: made.version, token: commit.token, delta: made.delta } : undefined);
    const r = (await p.exec()) ?? [];
    const committed = commit?.settle(r[0]!);
    const taken = await this.readTaken(read.take(r, at), { shop, pack, now, calibration, appealedKeys: [], attempt: 0, dueCheck });
    const ridden = ride?.(r.slice(riderAt), commit ? r[0] : undefined);
    // Always the same fields (one object shape for V8, whatever the round trip held).
    return { read: taken, load: load.take(r[loadAt]!), committed, ridden };
  }

  /** The aggregates one evaluation at `now` reads; undefined for a shop with no state at all (never committed, or gone with its TTL). */
  async readAggregates(shop: ShopRef, pack: RulePack, now: number, calibration?: CalibrationReads): Promise<ReadAggregates | undefined> {
    const read = await this.readShop({ shop, pack, now, calibration, appealedKeys: [], attempt: 0 });
    if (read.kind === "due") throw new Error("readAggregates: due timers reported without a due check");
    return read.kind === "none" ? undefined : read.aggregates;
  }

  /**
   * One readAggregates.lua call (and its re-reads for the entities with a pending exclusion): the shop's
   * aggregates at `now`, or, with `dueCheck`, the entities whose timers are due (no aggregates then) and,
   * when `dueCheck.sweep` and the sweep's interval has passed, the sweep's slice of records.
   */
  private async readShop(a: ReadArgs): Promise<ShopRead> {
    const call = this.readCall(a.shop, a.pack, a.now, a.calibration, a.appealedKeys, a.dueCheck);
    const p = this.redis.pipeline();
    call.queue(p);
    return this.readTaken(call.take((await p.exec()) ?? [], 0), a);
  }

  /**
   * What a read found, once the records of the entities with a pending exclusion are of the same state: they
   * are read in the same script as the aggregates (pending-effects.ts), so the shop is read again with them
   * when the state lists others (the sweep's slice of the first call is kept: the re-read takes no step).
   */
  private async readTaken(taken: ShopRead & { listed?: string[] }, a: ReadArgs): Promise<ShopRead> {
    if (taken.kind !== "aggregates") return taken;
    const { listed, ...read } = taken;
    if (listed && listed.some((k) => !a.appealedKeys.includes(k)) && a.attempt < 3) {
      const again = await this.readShop({ ...a, appealedKeys: listed, attempt: a.attempt + 1, dueCheck: a.dueCheck && { sweep: false } });
      return again.kind === "none" ? again : { ...again, scanned: [...read.scanned, ...again.scanned] };
    }
    return read;
  }

  /** One readAggregates.lua call (with the calibration's reads) to queue in a pipeline, and its replies' reading from `at`. */
  private readCall(
    shop: ShopRef,
    pack: RulePack,
    now: number,
    calibration: CalibrationReads | undefined,
    appealedKeys: string[],
    dueCheck?: { sweep: boolean },
  ): { queue(p: ReturnType<Redis["pipeline"]>): void; take(r: PipelineReply[], at: number): ShopRead & { listed?: string[] } } {
    const windows = Object.values(pack.metrics).map((def) => windowRange(def.window, now));
    const days = daysToRead(windows);
    const shopKey = `${shop.platform}:${shop.shopId}`;
    // The parts this process holds, as of now: a part Redis finds unchanged is taken from this copy, not
    // from the cache (another evaluation of the shop may replace its entries meanwhile).
    const held = this.aggregateCache.held(shopKey);
    const { names, keys } = this.readPlan(shop, shopKey, days);
    const args = [
      uniqueToken(),
      uniqueToken(),
      dueCheck ? now : "",
      TIMER_BATCH,
      dueCheck?.sweep ? SWEEP_COUNT : 0,
      SWEEP_EVERY_MS,
      appealedKeys.length,
      ...appealedKeys,
      // A part held empty is marked "!": unchanged while its stamp is (readAggregates.lua), with no EXISTS of its key.
      names.map((n) => heldStamp(held.get(n))).join(","),
    ];
    // How many commands this read queued (the calibration's vary): their replies are checked together.
    let queued = 0;
    const queue = (p: ReturnType<Redis["pipeline"]>) => {
      const before = p.length;
      queueLuaScript(p, "readAggregates", keys, args);
      calibration?.queue(p);
      queued = p.length - before;
    };
    const take = (r: PipelineReply[], at: number): ShopRead & { listed?: string[] } => {
      for (let i = at; i < at + queued; i++) {
        if (r[i]![0]) throw new Error("reading a shop's aggregates failed", { cause: r[i]![0] });
      }
      const reply = r[at]![1] as [0] | [2, string[], string[]] | [1, string, (string | null)[], string[], ...(0 | [string, string[]])[]];
      // A shop has state once any of its events was committed (the version is set), even when none of them
      // left a record (an event no metric reads): it is then evaluated like any shop, to no_data.
      if (Number(reply[0]) === 0) return { kind: "none" };
      if (Number(reply[0]) === 2) {
        const [, due, scanned] = reply as [2, string[], string[]];
        return { kind: "due", due, scanned };
      }
      const [, timer, values, scanned] = reply as [1, string, (string | null)[], string[]];
      const parts = new Map<PartName, CachedPart>();
      names.forEach((name, i) => {
        const got = reply[4 + i] as 0 | [string, string[]];
        if (!Array.isArray(got)) {
          // Unchanged: the stamp this process sent is current.
          const h = held.get(name);
          if (h === undefined) throw new Error(`readAggregates.lua: part ${name} unchanged, but this process holds none`);
          parts.set(name, h);
          return;
        }
        const [stamp, content] = got;
        for (const x of content) this.bytesRead += x.length;
        parts.set(name, name === "p" ? pendingPart(stamp, content, parsePending) : hashPart(stamp, content));
      });
      this.aggregateCache.keep(shopKey, parts);
      // The held contents are frozen (aggregate-cache.ts): an evaluation that wrote into them would throw.
      const hashOf = (name: PartName) => parts.get(name)!.data as Record<string, string>;
      const out: ReadAggregates = {
        days: new Map(days.map((d) => [d, hashOf(d)])),
        cur: hashOf("c"),
        pending: parts.get("p")!.data as ShopAggregates["pending"],
        nextTimer: timer === "" ? undefined : Number(timer),
      };
      if (calibration) out.calibration = calibration.take(r, at + 1);
      if (appealedKeys.length > 0) {
        const records = new Map<string, StoredRecord>();
        appealedKeys.forEach((k, i) => {
          const v = values[i];
          if (v === null || v === undefined) return;
          this.bytesRead += k.length + v.length;
          records.set(k, decodeStored(k, v));
        });
        out.appealed = { records, pack: this.accounting(shop.platform as Platform).pack };
      }
      const listed = [
        ...new Set(
          pendingEntries(out.cur)
            .slice(0, PENDING_LISTED)
            .map((e) => e.entity),
        ),
      ];
      return { kind: "aggregates", aggregates: out, scanned, listed };
    };
    return { queue, take };
  }

  /**
   * The parts and keys readAggregates.lua reads for a shop and its window's days: the same from one evaluation
   * to the next until the days move on, so kept per shop (a bounded map, emptied when full) instead of being
   * built again each time.
   */
  private readPlan(shop: ShopRef, shopKey: string, days: readonly number[]): { names: PartName[]; keys: string[] } {
    const kept = this.readPlans.get(shopKey);
    if (kept && kept.from === days[0] && kept.names.length === days.length + 2) return kept;
    const plan = {
      from: days[0],
      names: ["c", "p", ...days] as PartName[],
      keys: [
        this.keys.shopMeta(shop),
        this.keys.current(shop),
        this.keys.pending(shop),
        this.keys.timers(shop),
        this.keys.entities(shop),
        ...days.map((d) => this.keys.day(shop, d)),
      ],
    };
    if (this.readPlans.size >= READ_PLANS_KEPT) this.readPlans.clear();
    this.readPlans.set(shopKey, plan);
    return plan;
  }

  /**
   * One loadEntities.lua call per request: the records its keys need, and which of its event ids the shop's
   * seen-id index holds (as fingerprints, seen-ids.ts).
   */
  private async loadMany(
    reqs: { shopKey: string; shop: ShopRef; keys: string[]; ids: string[] }[],
    now: number,
  ): Promise<LoadedEntities[]> {
    const calls = reqs.map((r) => this.loadCall(r.shop, r.keys, r.ids, now));
    const replies = await pipelineByNode(this.applyRedis, calls);
    return replies.map((reply, i) => calls[i]!.take(reply, reqs[i]!.shopKey));
  }

  /**
   * One loadEntities.lua call: `keys`' records and which of `ids` the seen-id index holds; with `due`, the
   * records of the entities whose timers are due at `now` too (at most TIMER_BATCH, listed in `due`).
   */
  private loadCall(
    shop: ShopRef,
    keys: readonly string[],
    ids: readonly string[],
    now: number,
    due = false,
  ): NodeCall & { take(reply: PipelineReply, shopKey?: string): LoadedEntities } {
    // Each id hashed once: the commit's fold takes the fingerprints from here (LoadedShop.fingerprints).
    const byId = new Map<string, string>();
    for (const id of ids) if (!byId.has(id)) byId.set(id, fingerprint(id));
    const fps = [...new Set(byId.values())];
    const scriptKeys = [this.keys.entities(shop), this.keys.shopMeta(shop), this.keys.seen(shop), this.keys.timers(shop)];
    // No fingerprints (an evaluation's load): a string, not an empty Buffer, which would put the whole pipeline
    // in ioredis' buffer mode (about 20 µs more per call).
    const prints = fps.length === 0 ? "" : Buffer.from(fps.join(""), "latin1");
    const args = [seenFloorDay(now), prints, due ? now : "", TIMER_BATCH, ...new Set(keys)];
    return {
      keys: scriptKeys,
      queue: (p) => queueLuaScript(p, "loadEntities", scriptKeys, args),
      take: ([err, reply], shopKey) => {
        if (err) throw new Error(`loading the state of ${shopKey || "a shop"} failed`, { cause: err });
        const arr = reply as string[];
        const records = new Map<string, StoredRecord | undefined>();
        const dueKeys: string[] = [];
        const n = Number(arr[3]);
        for (let j = 4; j < arr.length; j += 2) {
          const v = arr[j + 1]!;
          records.set(arr[j]!, v === "" ? undefined : decodeStored(arr[j]!, v));
          if (dueKeys.length < n) dueKeys.push(arr[j]!);
        }
        const flags = arr[2]!;
        const seen = new Set<string>();
        fps.forEach((fp, j) => {
          if (flags[j] === "1") seen.add(fp);
        });
        return { version: arr[0]!, live: Number(arr[1]), records, seen, fingerprints: byId, due: dueKeys };
      },
    };
  }

  /** Commits deltas in one pipeline; a shop's due mark (when asked) precedes its commit. Returns each commit's reply. */
  private async commitMany(
    commits: { shopKey: string; shop: ShopRef; version: string; delta: ShopDelta; seenAdds?: SeenAdds; due?: number }[],
    now: number,
  ): Promise<number[]> {
    const marks: NodeCall[] = [];
    for (const c of commits) {
      if (c.due === undefined) continue;
      const key = this.keys.due(c.due);
      marks.push(
        { keys: [key], queue: (p) => p.zadd(key, now, c.shopKey) },
        { keys: [key], queue: (p) => p.expire(key, STATE_TTL_SECONDS) },
      );
    }
    const writes = commits.map((c) => this.commitCall(c, now));
    // The due marks must be durable before the commits. One node runs one pipeline in order; a cluster's
    // nodes do not order their pipelines, so there the marks go first, in a round trip of their own.
    let replies;
    const conn = this.applyRedis;
    if (isCluster(conn)) {
      const r = await pipelineByNode(conn, marks);
      for (const [err] of r) if (err) throw new Error("marking shops due failed", { cause: err });
      replies = await pipelineByNode(conn, writes);
    } else {
      replies = (await pipelineByNode(conn, [...marks, ...writes])).slice(marks.length);
    }
    for (const [err] of replies) if (err) throw new Error("committing a shop's state failed", { cause: err });
    return replies.map((r, i) => writes[i]!.settle(r));
  }

  /**
   * One commitEntities.lua call; `settle` reads its reply: the new version, or -1 when the commit was refused
   * for a newer state (counted), and notes a made commit in the commit log.
   */
  private commitCall(
    c: { shop: ShopRef; version: string; delta: ShopDelta; seenAdds?: SeenAdds },
    now: number,
  ): NodeCall & { token: string; settle(reply: PipelineReply): number } {
    const { keys, args, token } = this.commitArgs(c.shop, c.version, c.delta, c.seenAdds ?? new Map<string, number>(), now);
    return {
      keys,
      token,
      queue: (p) => queueLuaScript(p, "commitEntities", keys, args),
      settle: ([err, reply]) => {
        if (err) throw new Error("committing a shop's state failed", { cause: err });
        // A commit made with a token answers [version, the token of the commit before it] (-1 when refused).
        const v = Number(Array.isArray(reply) ? reply[0] : reply);
        if (v === -1) this.refusedCommits++;
        else if (Array.isArray(reply)) {
          this.commits.committed(this.keys.entities(c.shop), stateMark(c.version, String(reply[1])), stateMark(v, token), c.delta);
        }
        return v;
      },
    };
  }

  private commitArgs(
    shop: ShopRef,
    version: string,
    d: ShopDelta,
    seenAdds: SeenAdds,
    now: number,
  ): { keys: string[]; args: (string | number | Buffer)[]; token: string } {
    // This commit's own token: its stamps (aggregate-cache.ts) and its mark (commit-log.ts).
    const token = uniqueToken();
    // Records and day aggregates live as long as the platform's longest window needs (retention.ts).
    const retention = this.accounting(shop.platform as Platform).retention;
    const keys = [
      this.keys.entities(shop),
      this.keys.shopMeta(shop),
      this.keys.timers(shop),
      this.keys.pending(shop),
      this.keys.current(shop),
      this.keys.seen(shop),
    ];
    const dayIndex = new Map<number, number>();
    for (const day of d.agg.keys()) {
      dayIndex.set(day, keys.length + 1);
      keys.push(this.keys.day(shop, day));
    }
    // Every section's fields packed into one argument, "<byte length>:<bytes>" each (commitEntities.lua).
    let packed = "";
    const put = (x: string | number) => {
      const v = String(x);
      packed += `${Buffer.byteLength(v)}:${v}`;
    };
    for (const [k, r] of d.records) {
      put(k);
      put(r === null ? "" : encodeStoredBody(r.body ?? encodeBody(k, r.rec), r.calcAt, r.cal));
    }
    for (const [k, t] of d.timers) {
      put(k);
      put(t === null ? "" : t);
    }
    for (const m of d.pendDel) put(m);
    for (const [m, t] of d.pendAdd) {
      put(m);
      put(t);
    }
    for (const [f, v] of d.cur) {
      put(f);
      put(v);
    }
    let aggCount = 0;
    for (const [day, fields] of d.agg) {
      for (const [f, v] of fields) {
        put(dayIndex.get(day)!);
        put(f);
        put(v);
        aggCount++;
      }
    }
    const args: (string | number | Buffer)[] = [
      version,
      retention.stateTtlSeconds,
      retention.dayTtlSeconds,
      SEEN_TTL_SECONDS,
      seenFloorDay(now),
      encodeSeenAdds(seenAdds),
      d.records.size,
      d.timers.size,
      d.pendDel.size,
      d.pendAdd.size,
      d.cur.size,
      aggCount,
      packed,
      token,
      uniqueToken(),
    ];
    return { keys, args, token };
  }

  async alertStates(shop: ShopRef): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.shopAlerts(shop));
  }

  /**
   * A read of the shop's alert states that rides in the evaluation's round trips (EvaluationRider), before
   * `inner`'s reads: `states()` gives what the round trip that ended the evaluation read (undefined before one,
   * or when that read failed). What `inner` reads reaches `used` as it would alone.
   */
  alertStatesRider(shop: ShopRef, inner?: EvaluationRider): EvaluationRider & { states(): Record<string, string> | undefined } {
    const key = this.keys.shopAlerts(shop);
    let states: Record<string, string> | undefined;
    return {
      states: () => states,
      queue(p, commit) {
        p.hgetall(key);
        const take = inner?.queue(p, commit);
        return (replies, commitReply) => {
          const [err, got] = replies[0] ?? [new Error("no reply"), null];
          states = err ? undefined : (got as Record<string, string>);
          return take?.(replies.slice(1), commitReply);
        };
      },
    };
  }

  /** The writes that record the shop's alert states, as calls for the caller's pipeline (pipelineByNode: one command a call). */
  alertStatesCalls(shop: ShopRef, states: Record<string, string>): NodeCall[] {
    if (Object.keys(states).length === 0) return [];
    const key = this.keys.shopAlerts(shop);
    return [
      { keys: [key], queue: (p) => p.hset(key, states) },
      { keys: [key], queue: (p) => p.expire(key, STATE_TTL_SECONDS) },
    ];
  }

  /**
   * Records when the shop (on `partition` of sg.events) must next be re-evaluated without a new event, as a call
   * for the caller's pipeline. A mark newer than `evaluatedAt` (an apply during the evaluation) is kept when it is
   * sooner (setDue.lua).
   */
  setDueCall(shopKey: string, partition: number, atMs: number, evaluatedAt = Number.NEGATIVE_INFINITY): NodeCall {
    const keys = [this.keys.due(partition)];
    const args = [shopKey, Number.isFinite(evaluatedAt) ? evaluatedAt : -1, atMs, STATE_TTL_SECONDS];
    return { keys, queue: (p) => queueLuaScript(p, "setDue", keys, args) };
  }

  async clearDue(shopKey: string, partition: number): Promise<void> {
    await this.redis.zrem(this.keys.due(partition), shopKey);
  }

  /** Which of `partitions` holds the shop's next wake-up (every shop with state has one), if any. */
  async duePartition(shopKey: string, partitions: readonly number[]): Promise<number | undefined> {
    for (const p of partitions) if ((await this.redis.zscore(this.keys.due(p), shopKey)) !== null) return p;
    return undefined;
  }

  async dueShops(partition: number, nowMs: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.due(partition), "-inf", nowMs, "LIMIT", 0, limit);
  }
}

/**
 * A per-shop limit on live entities (records the shop holds: orders, after-sales, consumers). An event that
 * would create records past the limit is not applied and is reported to `refused`, so the caller
 * dead-letters it with kind `quota` (never silently dropped); events of records that exist always apply.
 */
export interface LiveEntityQuota {
  limit(shopKey: string): number;
  /** Told once per refused event, after the shop's commit of the rest succeeded. */
  refused(shopKey: string, event: ShopEvents["events"][number]): void;
}

/** Splits a shop's events into chunks whose load keys stay within MAX_KEYS_PER_CALL. */
export function chunkEvents(v: ShopEvents, maxKeys = MAX_KEYS_PER_CALL): ShopEvents[] {
  // An event loads at most 2 keys: most shops' batches fit one chunk without looking at each event.
  if (2 * v.events.length <= maxKeys) return [v];
  const out: ShopEvents[] = [];
  let cur: ShopEvents["events"] = [];
  let keys = 0;
  for (const e of v.events) {
    const n = loadKeysOf(e.event).length;
    if (cur.length > 0 && keys + n > maxKeys) {
      out.push({ shop: v.shop, events: cur });
      cur = [];
      keys = 0;
    }
    cur.push(e);
    keys += n;
  }
  if (cur.length > 0 || out.length === 0) out.push({ shop: v.shop, events: cur });
  return out;
}

/** A commit kept meeting a newer state (another instance applying the same shops during a rebalance): transient. */
export class StateContentionError extends Error {
  constructor(shops: number) {
    super(`applying events: the state of ${shops} shop(s) kept changing under this instance`);
    this.name = "StateContentionError";
  }
}

/**
 * The pack a shop is evaluated under at `now`: its choice (`overrides.pack`, the shop's or its platform's,
 * scores/context.ts) resolved on the Shanghai day of `now` (metrics.md "Which pack a shop uses").
 */
export function packInForce(shop: ShopRef, overrides: ShopOverrides, now: number): RulePack {
  return packForChoice(shop.platform as Platform, overrides.pack, toShanghaiIso(now).slice(0, 10));
}
