import { EVIDENCE_REFRESH_MS, EVIDENCE_WANTED_MS, evidenceKeys, storedEvidenceFields, type ShopSnapshot } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { RulePack } from "@sg/rules";
import { shopEvidence } from "../engine/evidence/shop-evidence.js";
import { decodeStored } from "../engine/incremental/codec.js";
import type { EntityRec } from "../engine/incremental/records.js";
import type { ShopOverrides } from "../engine/types.js";
import { STATE_TTL_SECONDS } from "../retention.js";

/** Records read per HSCAN step while listing a shop's items. */
const SCAN_COUNT = 1000;
/** How often the wanted marks are read. */
const WANTED_POLL_MS = 2_000;

/**
 * The processor's side of the evidence projection (`evidenceKeys` in @sg/events, docs/evidence.md): after an
 * evaluation, at most once per `refreshMs` per shop, it reads the shop's entity records, lists each metric's
 * items at the evaluation's moment (engine/evidence) with the cost of each bad one against the same
 * snapshot, and replaces the shop's projection in one MULTI. Listing reads every record of the shop, so it
 * is throttled instead of run on every evaluation; the page names its `asOf`.
 *
 * Only shops someone looks at are listed (`listIfWanted`): the read API marks a shop wanted when its items are
 * asked for, the evaluation loop reads the marks (`wantedShops`, at most every WANTED_POLL_MS) and evaluates a
 * wanted shop that is due a listing, and the listing runs beside the evaluation loop, one shop at a time, so
 * it never delays an evaluation or an alert. Listing every shop once a minute would read all of Redis once a
 * minute.
 */
export class EvidenceProjection {
  private readonly keys;
  private readonly last = new Map<string, number>();
  /** Listings written, and the time they took (ms): the bench's and the telemetry's view. */
  written = 0;
  /** Shops whose items were asked for within EVIDENCE_WANTED_MS, as last read, and when (wall clock). */
  private wanted = new Set<string>();
  private wantedReadAt = Number.NEGATIVE_INFINITY;
  /** When each shop was last listed by `listIfWanted` (wall clock), and the listing under way. */
  private readonly listedAt = new Map<string, number>();
  private listing: Promise<void> | undefined;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly entitiesKey: (shop: { platform: string; shopId: string }) => string,
    private readonly refreshMs = EVIDENCE_REFRESH_MS,
    private readonly onError: (err: unknown, shop: string) => void = () => {},
  ) {
    this.keys = evidenceKeys(prefix);
  }

  /**
   * The wanted shops due a listing (not listed by this process within `refreshMs`), reading the marks at most
   * every WANTED_POLL_MS; an empty list in between.
   */
  async wantedShops(): Promise<string[]> {
    const wall = Date.now();
    if (wall - this.wantedReadAt < WANTED_POLL_MS) return [];
    this.wantedReadAt = wall;
    this.wanted = new Set(await this.redis.zrangebyscore(this.keys.wanted(), wall - EVIDENCE_WANTED_MS, "+inf"));
    return [...this.wanted].filter((k) => this.dueListing(k, wall));
  }

  private dueListing(shopKey: string, wall: number): boolean {
    const last = this.listedAt.get(shopKey);
    return last === undefined || wall - last >= this.refreshMs;
  }

  /**
   * After a shop's evaluation: lists it if it is wanted and due, beside the caller (not awaited), one listing
   * at a time per process; a failure is reported to `onError` and retried at a later evaluation.
   */
  listIfWanted(input: { snapshot: ShopSnapshot; pack: RulePack; shop: ShopOverrides; nowMs: number }): void {
    const key = `${input.snapshot.platform}:${input.snapshot.shopId}`;
    const wall = Date.now();
    if (!this.wanted.has(key) || !this.dueListing(key, wall) || this.listing !== undefined) return;
    this.listedAt.set(key, wall);
    this.listing = this.write(input)
      .catch((err: unknown) => {
        this.listedAt.delete(key);
        this.onError(err, key);
      })
      .finally(() => {
        this.listing = undefined;
      });
  }

  /** The listing under way, if any (tests and shutdown wait for it). */
  async idle(): Promise<void> {
    await this.listing;
  }

  /** Lists and writes the shop's items unless it was listed within `refreshMs` of `nowMs` by this process. */
  async maybeWrite(input: { snapshot: ShopSnapshot; pack: RulePack; shop: ShopOverrides; nowMs: number }): Promise<boolean> {
    const shop = { platform: input.snapshot.platform, shopId: input.snapshot.shopId };
    const k = `${shop.platform}:${shop.shopId}`;
    const last = this.last.get(k);
    if (last !== undefined && input.nowMs >= last && input.nowMs - last < this.refreshMs) return false;
    await this.write(input);
    this.last.set(k, input.nowMs);
    return true;
  }

  /** Lists the shop's items now and replaces its projection. */
  private async write(input: { snapshot: ShopSnapshot; pack: RulePack; shop: ShopOverrides; nowMs: number }): Promise<void> {
    const shop = { platform: input.snapshot.platform, shopId: input.snapshot.shopId };
    const records = await this.records(shop);
    const lists = shopEvidence({ records, pack: input.pack, asOf: input.nowMs, shop: input.shop, snapshot: input.snapshot });
    const key = this.keys.items(shop);
    const fields: string[] = [];
    for (const [f, v] of lists) for (const [field, value] of storedEvidenceFields(f, v)) fields.push(field, value);
    const m = this.redis.multi().del(key);
    if (fields.length > 0) m.hset(key, ...fields);
    m.expire(key, STATE_TTL_SECONDS);
    const r = await m.exec();
    for (const [err] of r ?? []) if (err) throw new Error("writing the evidence projection failed", { cause: err });
    this.written++;
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
