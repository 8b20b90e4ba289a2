import { snapshotKeys, StoredSnapshot, toShanghaiIso, type DueItem, type ShopSnapshot } from "@sg/events";
import { STATE_TTL_SECONDS } from "../retention.js";
import { defineLuaScripts, isCluster, pipelineByNode, queueLuaScript, type NodeCall, type Redis } from "@sg/redis";

/** Projection keys live as long as the shop's state. */
const TTL_SECONDS = STATE_TTL_SECONDS;

const LUA_DIR = new URL("./lua/", import.meta.url);

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
    settle();
    if (together) return;
    for (const [err] of await pipelineByNode(this.redis, after)) if (err) throw err;
  }

  /** The snapshots' calls (pipelineByNode: one command a call), and what to record once they are stored. */
  private calls(items: readonly ProjectionInput[]): { calls: NodeCall[]; settle(): void } {
    const calls: NodeCall[] = [];
    const fresh: string[] = [];
    for (const { snapshot, asOfMs, due } of items) {
      const shop = { platform: snapshot.platform, shopId: snapshot.shopId };
      const key = `${shop.platform}:${shop.shopId}`;
      const body = JSON.stringify({ ...snapshot, asOf: toShanghaiIso(asOfMs), asOfMs, due });
      const keys = [this.keys.snapshot(shop), this.versionKey(shop)];
      calls.push({
        keys,
        queue: (p) => queueLuaScript(p, "writeSnapshot", keys, [body.slice(0, -1), TTL_SECONDS, this.keys.channel(), key]),
      });
      if (!this.registered.has(key)) {
        const shops = this.keys.shops();
        calls.push({ keys: [shops], queue: (p) => p.zadd(shops, "NX", asOfMs, key) });
        fresh.push(key);
      }
    }
    return { calls, settle: () => fresh.forEach((k) => this.registered.add(k)) };
  }

  private versionKey(s: { platform: string; shopId: string }): string {
    return `${this.prefix}:{${s.platform}:${s.shopId}}:snapshot-version`;
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
