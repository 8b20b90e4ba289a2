import { randomBytes } from "node:crypto";
import { snapshotKeys, StoredSnapshot, toShanghaiIso, type DueItem, type MetricForecast, type ShopSnapshot } from "@sg/events";
import { STATE_TTL_SECONDS } from "../retention.js";
import { defineLuaScripts, isCluster, pipelineByNode, queueLuaScript, type NodeCall, type PipelineReply, type Redis } from "@sg/redis";

/** Projection keys live as long as the shop's state. */
const TTL_SECONDS = STATE_TTL_SECONDS;

const LUA_DIR = new URL("./lua/", import.meta.url);

/** The shops whose last sent forecasts this process remembers (least recently written forgotten first). */
const MAX_SENT_FORECASTS = 50_000;

/** Where a forecast goes in the JSON sent (writeSnapshot.lua), and the cut the writer makes there (the id captured). */
const PLACEHOLDER = "@@sgf:";
const PLACEHOLDER_CUT = /,"forecast":"@@sgf:(\w+)"/;

/** This process's part of the forecast pieces' tokens. */
const TOKEN_PART = randomBytes(6).toString("hex");
let tokenSeq = 0;

/** The forecasts of one snapshot by piece id ("m<i>" the i-th metric with one, "s" the score's), in snapshot order. */
type Forecasts = Map<string, MetricForecast>;

/** The same forecast objects (the forecast is recomputed at most once a minute, ForecastThrottle; between, the same objects ride on every snapshot). */
function sameForecasts(a: Forecasts, b: Forecasts): boolean {
  if (a.size !== b.size) return false;
  for (const [id, f] of a) if (b.get(id) !== f) return false;
  return true;
}

export interface ProjectionInput {
  snapshot: ShopSnapshot;
  asOfMs: number;
  due: DueItem[];
}

/**
 * The processor's side of the snapshot projection (`StoredSnapshot` in @sg/events): after each evaluation
 * the shop's snapshot is written under its hash tag and announced on the channel; the first snapshot of a
 * shop in this process also registers the shop in the shops index (one global key, written rarely).
 */
export class ProjectionWriter {
  private readonly keys;
  private readonly registered = new Set<string>();
  /**
   * Per shop, the forecasts last stored with its snapshot and their token: a snapshot whose forecasts are the same
   * objects is sent with placeholders, and writeSnapshot.lua puts the stored pieces in (most of a snapshot's bytes:
   * about 10 of 12.5 KB for a Douyin 2026 shop, docs/bench.md).
   */
  private readonly sentForecasts = new Map<string, { token: string; forecasts: Forecasts }>();
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.keys = snapshotKeys(prefix);
    defineLuaScripts(redis, LUA_DIR);
  }

  /** Writes the snapshots of several shops in one round trip; resolves once Redis has stored them all. */
  async write(items: readonly ProjectionInput[]): Promise<void> {
    await this.writeWith(items);
  }

  /**
   * Writes the snapshots with other writes of the same evaluation in the same round trip: `before` first, then the
   * snapshots, then `after` (an evaluation's alert states, the snapshot, its due mark). On one node that is one
   * pipeline, run in that order. On a cluster `after` is sent only once the rest is stored, since its calls may
   * live on another node: a due mark is never moved past a snapshot that was not written. Throws on the first
   * call that failed.
   */
  async writeWith(items: readonly ProjectionInput[], before: readonly NodeCall[] = [], after: readonly NodeCall[] = []): Promise<void> {
    const { calls, settle } = this.calls(items);
    const first = [...before, ...calls];
    const together = !isCluster(this.redis) || after.length === 0;
    const replies = await pipelineByNode(this.redis, together ? [...first, ...after] : first);
    for (const [err] of replies) if (err) throw new Error("writing a shop snapshot failed", { cause: err });
    settle(replies.slice(before.length, before.length + calls.length));
    if (together) return;
    for (const [err] of await pipelineByNode(this.redis, after)) if (err) throw err;
  }

  /**
   * The snapshots' calls (pipelineByNode: one command a call), and what to record once they are stored (given their
   * replies, in the order of the calls).
   */
  private calls(items: readonly ProjectionInput[]): { calls: NodeCall[]; settle(replies: readonly PipelineReply[]): void } {
    const calls: NodeCall[] = [];
    const fresh: string[] = [];
    /** Per snapshot call, by its index in `calls`: the shop and the forecasts it sent, if it sent any. */
    const sent = new Map<number, { key: string; sent?: { token: string; forecasts: Forecasts } }>();
    for (const { snapshot, asOfMs, due } of items) {
      const shop = { platform: snapshot.platform, shopId: snapshot.shopId };
      const key = `${shop.platform}:${shop.shopId}`;
      const { args: snapshotArgs, pieces } = this.snapshotArgs(key, snapshot, asOfMs, due);
      const keys = [this.keys.snapshot(shop), this.versionKey(shop), this.forecastKey(shop)];
      const args = [snapshotArgs[0]!, TTL_SECONDS, this.keys.channel(), key, ...snapshotArgs.slice(1)];
      sent.set(calls.length, { key, ...(pieces ? { sent: { token: pieces.token, forecasts: pieces.forecasts } } : {}) });
      calls.push({ keys, queue: (p) => queueLuaScript(p, "writeSnapshot", keys, args) });
      if (!this.registered.has(key)) {
        const shops = this.keys.shops();
        calls.push({ keys: [shops], queue: (p) => p.zadd(shops, "NX", asOfMs, key) });
        fresh.push(key);
      }
    }
    return {
      calls,
      settle: (replies) => {
        fresh.forEach((k) => this.registered.add(k));
        for (const [i, { key, sent: pieces }] of sent) {
          const reply = replies[i]?.[1];
          const missing = Array.isArray(reply) ? Number(reply[1]) : 0;
          if (missing > 0) this.sentForecasts.delete(key);
          else if (pieces) this.rememberForecasts(key, pieces);
        }
      },
    };
  }

  /**
   * writeSnapshot.lua's arguments for the snapshot but the TTL, channel and message: the JSON (without its closing
   * brace) when it has no forecast; else the JSON cut where each forecast goes, the pieces' token and the pieces
   * themselves when they are not the ones this process last stored for the shop.
   */
  private snapshotArgs(
    key: string,
    snapshot: ShopSnapshot,
    asOfMs: number,
    due: DueItem[],
  ): { args: string[]; pieces?: { token: string; forecasts: Forecasts } } {
    const forecasts: Forecasts = new Map();
    let i = 0;
    for (const m of Object.values(snapshot.metrics)) if (m.forecast) forecasts.set(`m${i++}`, m.forecast);
    if (snapshot.scores?.forecast) forecasts.set("s", snapshot.scores.forecast);
    const asOf = toShanghaiIso(asOfMs);
    const whole = () => ({ args: [JSON.stringify({ ...snapshot, asOf, asOfMs, due }).slice(0, -1)] });
    if (forecasts.size === 0) return whole();
    // Each forecast replaced by a placeholder string, last in its object (after the required fields, so a comma
    // precedes it), then the JSON cut there: a tenant's text cannot hold `,"forecast":"`, whose quotes a JSON
    // string would escape.
    const metrics: Record<string, unknown> = {};
    i = 0;
    for (const [name, m] of Object.entries(snapshot.metrics)) {
      if (!m.forecast) {
        metrics[name] = m;
        continue;
      }
      const { forecast: _, ...rest } = m;
      metrics[name] = { ...rest, forecast: `${PLACEHOLDER}m${i++}` };
    }
    let scores: unknown = snapshot.scores;
    if (snapshot.scores?.forecast) {
      const { forecast: _, ...rest } = snapshot.scores;
      scores = { ...rest, forecast: `${PLACEHOLDER}s` };
    }
    const cut = JSON.stringify({ ...snapshot, metrics, ...(scores ? { scores } : {}), asOf, asOfMs, due }).split(PLACEHOLDER_CUT);
    // [JSON, id, JSON, id, ..., JSON]: every placeholder found, or (never expected) the whole JSON as before.
    if (cut.length !== 2 * forecasts.size + 1) return whole();
    cut[cut.length - 1] = cut[cut.length - 1]!.slice(0, -1);
    const held = this.sentForecasts.get(key);
    const fresh = held === undefined || !sameForecasts(held.forecasts, forecasts);
    const token = fresh ? `${TOKEN_PART}${(++tokenSeq).toString(36)}` : held.token;
    const args = [cut[0]!, String(forecasts.size), token, fresh ? "1" : "", ...cut.slice(1)];
    if (!fresh) return { args };
    for (const [id, f] of forecasts) args.push(id, JSON.stringify(f));
    return { args, pieces: { token, forecasts } };
  }

  private rememberForecasts(key: string, sent: { token: string; forecasts: Forecasts }): void {
    this.sentForecasts.delete(key);
    this.sentForecasts.set(key, sent);
    if (this.sentForecasts.size > MAX_SENT_FORECASTS) this.sentForecasts.delete(this.sentForecasts.keys().next().value!);
  }

  private versionKey(s: { platform: string; shopId: string }): string {
    return `${this.prefix}:{${s.platform}:${s.shopId}}:snapshot-version`;
  }

  /** The shop's forecast pieces (writeSnapshot.lua), under its hash tag. */
  private forecastKey(s: { platform: string; shopId: string }): string {
    return `${this.prefix}:{${s.platform}:${s.shopId}}:snapshot-forecasts`;
  }
}

/** Reads a shop's snapshot projection (for `replay`); null when the shop has none. */
export async function readProjection(
  redis: Redis,
  prefix: string,
  shop: { platform: string; shopId: string },
): Promise<StoredSnapshot | null> {
  const json = await redis.get(snapshotKeys(prefix).snapshot(shop));
  return json === null ? null : StoredSnapshot.parse(JSON.parse(json));
}
