import { describeRedisError } from "@sg/redis";
import type { ShopEvents } from "../state/entity-store.js";
import { classifyFailure } from "./failure-class.js";

/** How often one shop's events of a batch are tried alone before they are quarantined. */
export const POISON_ATTEMPTS = 3;
/** Waits between those tries, ms: short, so the other shops of the partition wait at most a few seconds. */
const BACKOFF_MS = [100, 400];

export type ApplyShops = (byShop: Map<string, ShopEvents>) => Promise<Map<string, number>>;

export interface IsolatedApply {
  /** Entities changed per applied shop, as `applyBatch` returns them. */
  changed: Map<string, number>;
  /** Shops whose events kept failing, with the last failure described without secrets. */
  quarantined: Map<string, string>;
}

/**
 * Applies a batch; when the whole batch fails for a reason that may lie in its records, tries each shop's
 * events alone, up to POISON_ATTEMPTS times, and reports the shops that still fail instead of failing the
 * batch. A transient failure (Redis away, contention) at any point is thrown on: the caller retries the
 * whole batch, and nothing is quarantined during an outage. Applying is idempotent, so shops applied by the
 * first try or by an earlier round are safely applied again.
 */
export async function applyIsolatingPoison(
  byShop: Map<string, ShopEvents>,
  apply: ApplyShops,
  sleep = defaultSleep,
): Promise<IsolatedApply> {
  try {
    return { changed: await apply(byShop), quarantined: new Map() };
  } catch (err) {
    if (classifyFailure(err) === "transient" || byShop.size === 0) throw err;
  }
  const changed = new Map<string, number>();
  const quarantined = new Map<string, string>();
  for (const [key, events] of byShop) {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await apply(new Map([[key, events]]));
        changed.set(key, r.get(key) ?? 0);
        break;
      } catch (err) {
        if (classifyFailure(err) === "transient") throw err;
        if (attempt >= POISON_ATTEMPTS) {
          quarantined.set(key, describeFailure(err));
          break;
        }
        await sleep(BACKOFF_MS[attempt - 1] ?? 1000);
      }
    }
  }
  return { changed, quarantined };
}

/** The error and its causes in one line, without secrets (describeRedisError masks URL credentials). */
export function describeFailure(err: unknown): string {
  const parts: string[] = [];
  for (
    let e: unknown = err, depth = 0;
    e !== undefined && depth < 4;
    e = e instanceof Error ? (e as { cause?: unknown }).cause : undefined, depth++
  )
    parts.push(describeRedisError(e));
  return parts.join(" <- ").slice(0, 500);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
