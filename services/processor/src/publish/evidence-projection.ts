import { EVIDENCE_REFRESH_MS, evidenceKeys, type ShopSnapshot } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { RulePack } from "@sg/rules";
import { shopEvidence } from "../engine/evidence/shop-evidence.js";
import { decodeStored } from "../engine/incremental/codec.js";
import type { EntityRec } from "../engine/incremental/records.js";
import type { ShopOverrides } from "../engine/types.js";
import { STATE_TTL_SECONDS } from "../retention.js";

/** Records read per HSCAN step while listing a shop's items. */
const SCAN_COUNT = 1000;

/**
 * The processor's side of the evidence projection (`evidenceKeys` in @sg/events, docs/evidence.md): after an
 * evaluation, at most once per `refreshMs` per shop, it reads the shop's entity records, lists each metric's
 * items at the evaluation's moment (engine/evidence) with the cost of each bad one against the same
 * snapshot, and replaces the shop's projection in one MULTI. Listing reads every record of the shop, so it
 * is throttled instead of run on every evaluation; the page names its `asOf`.
 */
export class EvidenceProjection {
  private readonly keys;
  private readonly last = new Map<string, number>();
  /** Listings written, and the time they took (ms): the bench's and the telemetry's view. */
  written = 0;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly entitiesKey: (shop: { platform: string; shopId: string }) => string,
    private readonly refreshMs = EVIDENCE_REFRESH_MS,
  ) {
    this.keys = evidenceKeys(prefix);
  }

  /** Lists and writes the shop's items unless it was listed within `refreshMs` of `nowMs` by this process. */
  async maybeWrite(input: { snapshot: ShopSnapshot; pack: RulePack; shop: ShopOverrides; nowMs: number }): Promise<boolean> {
    const shop = { platform: input.snapshot.platform, shopId: input.snapshot.shopId };
    const k = `${shop.platform}:${shop.shopId}`;
    const last = this.last.get(k);
    if (last !== undefined && input.nowMs >= last && input.nowMs - last < this.refreshMs) return false;
    const records = await this.records(shop);
    const lists = shopEvidence({ records, pack: input.pack, asOf: input.nowMs, shop: input.shop, snapshot: input.snapshot });
    const key = this.keys.items(shop);
    const fields: string[] = [];
    for (const [f, v] of lists) fields.push(f, JSON.stringify(v));
    const m = this.redis.multi().del(key);
    if (fields.length > 0) m.hset(key, ...fields);
    m.expire(key, STATE_TTL_SECONDS);
    const r = await m.exec();
    for (const [err] of r ?? []) if (err) throw new Error("writing the evidence projection failed", { cause: err });
    this.last.set(k, input.nowMs);
    this.written++;
    return true;
  }

  /** Every entity record of the shop, decoded (HSCAN in steps, so Redis is never blocked by one large reply). */
  async records(shop: { platform: string; shopId: string }): Promise<[string, EntityRec][]> {
    const out: [string, EntityRec][] = [];
    let cursor = "0";
    do {
      const [next, kv] = await this.redis.hscan(this.entitiesKey(shop), cursor, "COUNT", SCAN_COUNT);
      for (let i = 0; i < kv.length; i += 2) out.push([kv[i]!, decodeStored(kv[i]!, kv[i + 1]!).rec]);
      cursor = next;
    } while (cursor !== "0");
    return out;
  }
}
