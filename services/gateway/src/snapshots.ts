import { snapshotKeys, StoredSnapshot } from "@sg/events";
import type { Redis } from "@sg/redis";
import type { SnapshotReader } from "./ports.js";

/**
 * The read side of the snapshot projection (architecture.md "Reads come from a projection"): one GET of the
 * snapshot the processor wrote after its last evaluation of the shop. The gateway never runs the engine.
 */
export function createProjectionReader(redis: Redis, keyPrefix: string): SnapshotReader {
  const keys = snapshotKeys(keyPrefix);
  return {
    async shop(platform, shopId) {
      const json = await redis.get(keys.snapshot({ platform, shopId }));
      if (json === null) return null;
      const parsed = StoredSnapshot.safeParse(JSON.parse(json));
      // A snapshot that does not parse was written by an incompatible processor: say so rather than serve it.
      if (!parsed.success)
        throw new Error(`the stored snapshot of ${platform}:${shopId} does not match the contract`, { cause: parsed.error });
      return parsed.data;
    },
  };
}
