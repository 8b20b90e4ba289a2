import { DAY_END_RETENTION_DAYS, FiguresState, PlatformFigures, ReconciliationReport, reconciliationKeys, type ShopRef } from "@sg/events";
import type { Redis } from "@sg/redis";

const TTL_SECONDS = (DAY_END_RETENTION_DAYS + 1) * 86_400;

/**
 * The reconciler's Redis: platform figures and reports per shop-day (keys of @sg/events reconciliation.ts,
 * kept like the day-end history), and each shop-day's pull state (private to the reconciler).
 */
export class ReconciliationStore {
  private readonly keys;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.keys = reconciliationKeys(prefix);
  }

  private pullKey(s: ShopRef): string {
    return `${this.prefix}:{${s.platform}:${s.shopId}}:recon:pulls`;
  }

  async figures(shop: ShopRef, day: string): Promise<PlatformFigures | null> {
    const raw = await this.redis.hget(this.keys.figures(shop), day);
    return raw === null ? null : PlatformFigures.parse(JSON.parse(raw));
  }

  async saveFigures(f: PlatformFigures): Promise<void> {
    const key = this.keys.figures(f);
    const version = this.keys.figuresVersion(f);
    await this.redis.multi().hset(key, f.day, JSON.stringify(f)).expire(key, TTL_SECONDS).incr(version).expire(version, TTL_SECONDS).exec();
  }

  async pullState(shop: ShopRef, day: string): Promise<FiguresState | null> {
    const raw = await this.redis.hget(this.pullKey(shop), day);
    return raw === null ? null : FiguresState.parse(JSON.parse(raw));
  }

  async savePullState(shop: ShopRef, day: string, s: FiguresState): Promise<void> {
    const key = this.pullKey(shop);
    await this.redis.multi().hset(key, day, JSON.stringify(s)).expire(key, TTL_SECONDS).exec();
  }

  async report(shop: ShopRef, day: string): Promise<ReconciliationReport | null> {
    const raw = await this.redis.hget(this.keys.reports(shop), day);
    return raw === null ? null : ReconciliationReport.parse(JSON.parse(raw));
  }

  async saveReport(r: ReconciliationReport): Promise<void> {
    const key = this.keys.reports(r);
    await this.redis.multi().hset(key, r.day, JSON.stringify(r)).expire(key, TTL_SECONDS).exec();
  }

  /** Imported shop-days awaiting a comparison, oldest request first (at most `limit`). */
  async requested(limit = 100): Promise<{ shop: string; day: string }[]> {
    const members = await this.redis.zrange(this.keys.requests(), 0, limit - 1);
    return members.flatMap((m) => {
      const i = m.lastIndexOf("|");
      return i > 0 ? [{ shop: m.slice(0, i), day: m.slice(i + 1) }] : [];
    });
  }

  async doneRequest(shop: string, day: string): Promise<void> {
    await this.redis.zrem(this.keys.requests(), `${shop}|${day}`);
  }
}
