import {
  DayEnd,
  PlatformFigures,
  dayEndKeys,
  latestFiguresDay,
  reconciliationKeys,
  shanghaiDayOf,
  type CalibrationInput,
} from "@sg/events";
import type { Redis } from "@sg/redis";

type Pipeline = ReturnType<Redis["pipeline"]>;
type Replies = [Error | null, unknown][];
type ShopRef = { platform: string; shopId: string };

/** Shops whose latest figures are kept in memory; beyond it the oldest entry is dropped (and re-read when needed). */
export const CALIBRATION_CACHE_SHOPS = 10_000;

/** What one evaluation queues with the shop's state: its reads, then what they found. */
export interface CalibrationReads {
  /** Appends the reads to the evaluation's pipeline (same round trip as the shop's aggregates). */
  queue(p: Pipeline): void;
  /** Reads the replies from `offset`; at most a further read when the figures' version moved. */
  take(replies: Replies, offset: number): Promise<CalibrationInput | undefined>;
}

/**
 * Reads what the score calibration needs (docs/reconciliation.md, "Calibration hook") through the contracts
 * of @sg/events only: the figures HASH and its version counter (written by the reconciler and the import),
 * and the processor's own day-end history. Per evaluation of an opted-in shop: GET of the version and HGET of
 * the D0 day-end value, queued in the pipeline that reads the shop's aggregates; the figures themselves are
 * cached by version and re-read (HKEYS, HGET) only after a pull or an import wrote them.
 */
export class CalibrationSource {
  private readonly figureKeys;
  private readonly dayEnd;
  private readonly cache = new Map<string, { version: string | null; figures: PlatformFigures | null }>();
  /** Reads of the figures themselves (the cache missed or their version moved). */
  figureReads = 0;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.figureKeys = reconciliationKeys(prefix);
    this.dayEnd = dayEndKeys(prefix);
  }

  /** The reads of one evaluation of `shop` at `asOfMs`. */
  reads(shop: ShopRef, asOfMs: number): CalibrationReads {
    const id = `${shop.platform}:${shop.shopId}`;
    const cached = this.cache.get(id);
    const d0 = cached?.figures?.day;
    return {
      queue: (p) => {
        p.get(this.figureKeys.figuresVersion(shop));
        if (d0 !== undefined) p.hget(this.dayEnd.history(shop), d0);
      },
      take: async (replies, offset) => {
        const version = (replies[offset]?.[1] as string | null | undefined) ?? null;
        let figures = cached?.figures ?? null;
        let rawDayEnd = d0 === undefined ? undefined : ((replies[offset + 1]?.[1] as string | null | undefined) ?? null);
        if (cached === undefined || cached.version !== version) {
          figures = await this.readFigures(shop);
          this.remember(id, { version, figures });
          rawDayEnd = undefined;
        }
        if (figures === null || figures.day > shanghaiDayOf(asOfMs)) return undefined;
        if (rawDayEnd === undefined) rawDayEnd = await this.redis.hget(this.dayEnd.history(shop), figures.day);
        return { figures, d0End: parseDayEnd(rawDayEnd) };
      },
    };
  }

  private async readFigures(shop: ShopRef): Promise<PlatformFigures | null> {
    this.figureReads++;
    const key = this.figureKeys.figures(shop);
    const day = latestFiguresDay(await this.redis.hkeys(key));
    if (day === undefined) return null;
    const raw = await this.redis.hget(key, day);
    if (raw === null) return null;
    try {
      const parsed = PlatformFigures.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private remember(id: string, entry: { version: string | null; figures: PlatformFigures | null }): void {
    this.cache.delete(id);
    this.cache.set(id, entry);
    if (this.cache.size > CALIBRATION_CACHE_SHOPS) this.cache.delete(this.cache.keys().next().value!);
  }
}

function parseDayEnd(raw: string | null | undefined): DayEnd | null {
  if (raw === null || raw === undefined) return null;
  try {
    const parsed = DayEnd.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
