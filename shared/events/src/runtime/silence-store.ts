import { randomUUID } from "node:crypto";
import { callLuaScript, defineLuaScripts, type Redis } from "@sg/redis";
import { sharedKeys } from "../redis-keys.js";
import { shopKey } from "../shop-key.js";
import {
  DEFAULT_SILENCE_LIMITS,
  Silence,
  SilenceLimitError,
  buildSilence,
  compileSilence,
  silenceReach,
  type CompiledSilence,
  type SilenceLimits,
} from "../silences/silence.js";

/** Which silences a reader may see: a token's shops (`platform:shopId` keys), its `platform:*` platforms, or `*`. */
export interface SilenceScope {
  all: boolean;
  platforms: readonly string[];
  shops: readonly string[];
}

export interface CreateSilenceOptions {
  /** Fingerprint of the token that creates it: its silences are counted against `limits.maxActive`. */
  owner?: string;
  limits?: SilenceLimits;
}

export interface SilenceStore {
  /**
   * Validates and stores a silence. Throws `SilenceInputError` listing the problems by field, and
   * `SilenceLimitError` when the owner already holds `limits.maxActive` active or future silences.
   */
  create(input: unknown, opts?: CreateSilenceOptions): Promise<Silence>;
  /** Every active and future silence (an operator's view). */
  list(): Promise<Silence[]>;
  /** The active and future silences a scope may see, read through the index of its shops and platforms only. */
  listFor(scope: SilenceScope): Promise<Silence[]>;
  /** The silences that can apply to one shop (its own, its platform's, the unpinned ones), compiled. */
  forShop(platform: string, shopId: string): Promise<CompiledSilence[]>;
  get(id: string): Promise<Silence | null>;
  /** True when the silence existed. */
  remove(id: string): Promise<boolean>;
}

export interface SilenceStoreOptions {
  now?: () => number;
}

/** The owner of silences created without a token (the notifier's own API, tests). */
const LOCAL_OWNER = "local";
/** The owner of silences moved from the layout before the index: no token is known for them. */
const LEGACY_OWNER = "legacy";
/** Ids per HMGET: bounded work per command however many silences a read names. */
const READ_CHUNK = 500;
/** Expired silences removed per sweep, and how often a store sweeps at most. */
const SWEEP_BATCH = 200;
const SWEEP_EVERY_MS = 1000;
/** Compiled silences kept per process; past it the cache starts over (it only saves work). */
const CACHE_LIMIT = 20_000;

/** A stored silence: the API's `Silence` and the fingerprint of the token that created it. */
const StoredSilence = Silence.extend({ owner: Silence.shape.id.optional() });

const registered = new WeakSet<object>();
function registerScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  defineLuaScripts(redis, new URL("./lua/", import.meta.url));
  registered.add(redis);
}

/**
 * Silences in Redis under the hash tag `{silences}` (`sharedKeys(prefix).silence`): one hash of records, a
 * set of ids per shop, per platform and for the unpinned ones, a zset of ends, and one zset per token for
 * its count. A reader names the sets of its scope and reads only those records, so one tenant's many
 * silences cost nothing to another tenant's list or to the notifier's check of another shop. A record is
 * validated when written and compiled once per process when first read (a cache by id and text).
 */
export function createSilenceStore(redis: Redis, keyPrefix: string, opts: SilenceStoreOptions = {}): SilenceStore {
  registerScripts(redis);
  const shared = sharedKeys(keyPrefix);
  const k = shared.silence;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { raw: string; compiled: CompiledSilence; owner: string }>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  let migrated: Promise<void> | undefined;

  function indexKeys(s: Silence): string[] {
    const r = silenceReach(s.matchers);
    if (r === null) return [k.unpinned()];
    if (r.shopId === undefined) return [k.platformWide(r.platform), k.inPlatform(r.platform)];
    return [k.shop(shopKey({ platform: r.platform, shopId: r.shopId })), k.inPlatform(r.platform)];
  }

  /** A record as read; null when it no longer parses (a schema change) or cannot apply: treated as absent. */
  function decode(id: string, raw: string): { compiled: CompiledSilence; owner: string } | null {
    const hit = cache.get(id);
    if (hit !== undefined && hit.raw === raw) return hit;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = StoredSilence.safeParse(json);
    if (!parsed.success) return null;
    const { owner, ...silence } = parsed.data;
    const compiled = compileSilence(silence);
    if (compiled === null) return null;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    const entry = { raw, compiled, owner: owner ?? LOCAL_OWNER };
    cache.set(id, entry);
    return entry;
  }

  async function readIds(ids: readonly string[]): Promise<Array<[string, string | null]>> {
    const out: Array<[string, string | null]> = [];
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      const chunk = ids.slice(i, i + READ_CHUNK);
      const raws = await redis.hmget(k.data(), ...chunk);
      chunk.forEach((id, j) => out.push([id, raws[j] ?? null]));
    }
    return out;
  }

  /** Removes records and every index entry of them, in one MULTI (one slot). */
  async function drop(entries: ReadonlyArray<{ id: string; silence: Silence | null; owner: string | null }>): Promise<number> {
    if (entries.length === 0) return 0;
    const m = redis.multi();
    const hdelAt: number[] = [];
    let n = 0;
    for (const e of entries) {
      hdelAt.push(n);
      const keys = [k.ends(), ...(e.owner === null ? [] : [k.owner(e.owner)])];
      const sets = e.silence === null ? [] : indexKeys(e.silence);
      n += 1 + keys.length + sets.length;
      m.hdel(k.data(), e.id);
      for (const key of keys) m.zrem(key, e.id);
      for (const key of sets) m.srem(key, e.id);
    }
    const replies = (await m.exec()) ?? [];
    return hdelAt.filter((i) => replies[i]?.[1] === 1).length;
  }

  /** Moves the silences of the layout before the index (one hash) into it, once per store. */
  function migrate(): Promise<void> {
    migrated ??= (async () => {
      const legacy = shared.silences();
      if ((await redis.exists(legacy)) === 0) return;
      const all = await redis.hgetall(legacy);
      const t = now();
      for (const [id, raw] of Object.entries(all)) {
        const d = decode(id, raw);
        if (d === null || d.compiled.endsMs <= t) continue;
        const s = d.compiled.silence;
        const m = redis.multi();
        m.hset(k.data(), id, JSON.stringify({ ...s, owner: LEGACY_OWNER }));
        m.zadd(k.ends(), d.compiled.endsMs, id);
        m.zadd(k.owner(LEGACY_OWNER), d.compiled.endsMs, id);
        for (const key of indexKeys(s)) m.sadd(key, id);
        await m.exec();
      }
      await redis.del(legacy);
    })();
    // A failed move (Redis away) is tried again by the next call rather than failing every later one.
    migrated.catch(() => (migrated = undefined));
    return migrated;
  }

  /** Removes up to SWEEP_BATCH ended silences, at most once a second: reads stay cheap, Redis stays clean. */
  async function sweep(t: number): Promise<void> {
    await migrate();
    if (t - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = t;
    const ids = await redis.zrangebyscore(k.ends(), "-inf", t, "LIMIT", 0, SWEEP_BATCH);
    const rows = await readIds(ids);
    await drop(
      rows.map(([id, raw]) => {
        const d = raw === null ? null : decode(id, raw);
        return { id, silence: d?.compiled.silence ?? null, owner: d?.owner ?? null };
      }),
    );
  }

  /** The live silences among ids, compiled, in start order. */
  async function live(ids: Iterable<string>, t: number): Promise<CompiledSilence[]> {
    const rows = await readIds([...new Set(ids)]);
    const out: CompiledSilence[] = [];
    for (const [id, raw] of rows) {
      const d = raw === null ? null : decode(id, raw);
      if (d !== null && d.compiled.endsMs > t) out.push(d.compiled);
    }
    return out.sort((a, b) => a.startsMs - b.startsMs || a.silence.id.localeCompare(b.silence.id));
  }

  async function members(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const p = redis.pipeline();
    for (const key of keys) p.smembers(key);
    const replies = (await p.exec()) ?? [];
    return replies.flatMap(([err, ids]) => {
      if (err) throw err;
      return ids as string[];
    });
  }

  const plain = (cs: readonly CompiledSilence[]): Silence[] => cs.map((c) => c.silence);

  async function list(): Promise<Silence[]> {
    const t = now();
    await sweep(t);
    return plain(await live(await redis.zrangebyscore(k.ends(), `(${t}`, "+inf"), t));
  }

  return {
    async create(input, o = {}) {
      const t = now();
      const limits = o.limits ?? DEFAULT_SILENCE_LIMITS;
      const owner = o.owner ?? LOCAL_OWNER;
      const silence = buildSilence(input, randomUUID(), t, limits);
      await sweep(t);
      const endsMs = Date.parse(silence.endsAt);
      const keys = [k.data(), k.ends(), k.owner(owner), ...indexKeys(silence)];
      const args = [silence.id, JSON.stringify({ ...silence, owner }), endsMs, t, limits.maxActive];
      const [stored] = await callLuaScript<[number, number]>(redis, "createSilence", keys, args);
      if (stored !== 1) throw new SilenceLimitError("silenceLimits.maxActive", limits.maxActive);
      return silence;
    },

    list,

    async listFor(scope) {
      if (scope.all) return list();
      const t = now();
      await sweep(t);
      const keys = [...scope.shops.map((s) => k.shop(s)), ...scope.platforms.map((p) => k.inPlatform(p))];
      return plain(await live(await members(keys), t));
    },

    async forShop(platform, shopId) {
      const t = now();
      await sweep(t);
      return live(await members([k.shop(shopKey({ platform, shopId })), k.platformWide(platform), k.unpinned()]), t);
    },

    async get(id) {
      await migrate();
      const raw = await redis.hget(k.data(), id);
      if (raw === null) return null;
      const d = decode(id, raw);
      return d === null || d.compiled.endsMs <= now() ? null : d.compiled.silence;
    },

    async remove(id) {
      await migrate();
      const raw = await redis.hget(k.data(), id);
      if (raw === null) {
        await redis.zrem(k.ends(), id);
        return false;
      }
      const d = decode(id, raw);
      return (await drop([{ id, silence: d?.compiled.silence ?? null, owner: d?.owner ?? null }])) > 0;
    },
  };
}
