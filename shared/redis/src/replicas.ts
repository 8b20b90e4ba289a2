// Waiting for replicas before acknowledging (architecture.md "Replicated Redis"). Redis replication is
// asynchronous: a write a master answered OK is lost if the master dies before a replica copied it and that
// replica is promoted. A service that then commits the Kafka offset of the events behind the write has lost
// them for good.
//
// `WAIT numreplicas timeout` alone does not close that gap. It counts the replicas holding the writes of the
// connection it is sent on, so it vouches for nothing written on a connection that has since closed: a
// cluster client replaces a node's connection after any close, and after a failover the dead master is no
// longer among the masters at all, while the promoted one (which never had the write) answers a WAIT at once
// as soon as it has a replica. Two rules make the wait sound:
// - a *probe write* on each master just before its WAIT, so the WAIT covers everything that master applied
//   before it, from any connection (a master replicates in one ordered stream);
// - a *mark* taken before a unit of work's writes: if a master's connection closed, a master left the pool,
//   or one stopped being a master after the mark, the writes may have died with it, and the wait fails, so
//   the caller retries the work (applying again is idempotent) instead of acknowledging it.
import type { Redis as RedisNode } from "ioredis";
import { isCluster, type RedisClient } from "./client.js";
import { hashTagForSlot, SLOTS } from "./slot.js";

/** How many replicas must hold a write before it is acknowledged, and how long to wait for them. */
export type ReplicaAck = {
  /** `REDIS_MIN_REPLICAS_ACK`: 0 turns the wait off (a Redis without replicas). */
  minReplicas: number;
  /** `REDIS_REPLICA_ACK_TIMEOUT_MS`: the WAIT's timeout on each node. */
  timeoutMs: number;
};

/** Fewer replicas than asked acknowledged a node's writes in time: the caller must not acknowledge them. */
export class ReplicaAckError extends Error {
  override readonly name = "ReplicaAckError";
  constructor(
    readonly node: string,
    readonly acked: number,
    readonly wanted: number,
    options?: ErrorOptions & { why?: string },
  ) {
    super(`redis ${node}: ${options?.why ?? `${acked} of ${wanted} replicas acknowledged the writes in time`}`, options);
  }
}

function nodeName(node: RedisNode): string {
  return `${node.options.host ?? "?"}:${node.options.port ?? "?"}`;
}

/** The probe key's lifetime: it only has to be written, never read. */
const PROBE_TTL_MS = 60_000;

/** A key on `node` for the probe write, or undefined when the node serves no slot (nothing was written there). */
function probeKeyOf(client: RedisClient, node: RedisNode, keyPrefix: string): string | undefined {
  if (!isCluster(client)) return `${keyPrefix}:replica-probe`;
  const name = nodeName(node);
  for (let slot = 0; slot < SLOTS; slot++) {
    if (client.slots[slot]?.[0] === name) return `${keyPrefix}:replica-probe:{${hashTagForSlot(slot)}}`;
  }
  return undefined;
}

export type WaitOptions = {
  /** Prefix of the probe key (`KEY_PREFIX`); default `sg`. */
  keyPrefix?: string;
};

/**
 * Resolves once `ack.minReplicas` replicas hold every write each master of `client` applied so far; throws
 * `ReplicaAckError` otherwise. Each master gets a probe write and a WAIT in one round trip, all masters at
 * once. A master that cannot be reached, or whose replica is gone (a failover left it without one), fails the
 * wait. It does not see writes lost with a connection or a master that is gone: `createReplicaGate` does.
 */
export async function waitForReplicas(client: RedisClient, ack: ReplicaAck, options: WaitOptions = {}): Promise<void> {
  if (ack.minReplicas <= 0) return;
  const keyPrefix = options.keyPrefix ?? "sg";
  const nodes: RedisNode[] = isCluster(client) ? client.nodes("master") : [client];
  if (nodes.length === 0) throw new ReplicaAckError("cluster", 0, ack.minReplicas, { why: "no master known" });
  await Promise.all(
    nodes.map(async (node) => {
      let acked: number;
      try {
        const probe = probeKeyOf(client, node, keyPrefix);
        const p = node.pipeline();
        if (probe !== undefined) p.set(probe, String(Date.now()), "PX", PROBE_TTL_MS);
        p.call("WAIT", ack.minReplicas, ack.timeoutMs);
        const replies = (await p.exec()) ?? [];
        for (const [err] of replies) if (err) throw err;
        acked = Number(replies[replies.length - 1]?.[1]);
      } catch (err) {
        throw new ReplicaAckError(nodeName(node), 0, ack.minReplicas, { cause: err });
      }
      if (!(acked >= ack.minReplicas)) throw new ReplicaAckError(nodeName(node), acked, ack.minReplicas);
    }),
  );
}

/** Taken before a unit of work's writes (`ReplicaGate.mark`): which connections they may have gone through. */
export type ReplicaMark = { readonly losses: number };

/** `waitForReplicas` with connection-loss marks and a memory of its last outcome (readiness). */
export interface ReplicaGate {
  /** Before a unit of work writes: `wait(mark)` then also fails if a master's connection was lost meanwhile. */
  mark(): ReplicaMark;
  /**
   * Waits for the replicas to hold every write made before the call (nothing when off); throws
   * `ReplicaAckError` when they fall short, or, given `since`, when a master connection closed after it.
   */
  wait(since?: ReplicaMark): Promise<void>;
  /** For /readyz: true unless the last wait failed; after a failure, waits once more to find out. */
  healthy(): Promise<boolean>;
}

/**
 * Counts the losses of master connections of `client`: a master's connection closing, a master leaving the
 * client's pool, or a known master becoming a replica. Each may have taken acknowledged but unreplicated
 * writes with it.
 */
function watchMasterLosses(client: RedisClient): { losses(): number; lastLoss(): string } {
  let losses = 0;
  let last = "";
  const lost = (what: string) => {
    losses++;
    last = what;
  };
  if (!isCluster(client)) {
    client.on("close", () => lost(`${nodeName(client)} connection closed`));
    return { losses: () => losses, lastLoss: () => last };
  }
  const watched = new WeakSet<RedisNode>();
  const watch = (node: RedisNode) => {
    if (watched.has(node)) return;
    watched.add(node);
    // A replica's connection carries no writes; its role is read when the close happens.
    node.on("close", () => {
      if (!node.options.readOnly) lost(`${nodeName(node)} connection closed`);
    });
  };
  let masters = new Set(client.nodes("master"));
  const lookAtMasters = () => {
    const now = new Set(client.nodes("master"));
    for (const m of masters) if (!now.has(m)) lost(`${nodeName(m)} no longer a master of the pool`);
    masters = now;
    for (const n of client.nodes("all")) watch(n);
  };
  for (const n of client.nodes("all")) watch(n);
  client.on("+node", (node: RedisNode) => watch(node));
  client.on("-node", (node: RedisNode) => {
    if (masters.has(node)) lost(`${nodeName(node)} left the pool`);
    masters.delete(node);
  });
  client.on("refresh", lookAtMasters);
  return {
    losses() {
      lookAtMasters();
      return losses;
    },
    lastLoss: () => last,
  };
}

/**
 * A gate on `client` for `ack`; `onFailure` hears each failed wait (to log it), `onRecovery` the first
 * success after failures. `keyPrefix` names the probe key.
 */
export function createReplicaGate(
  client: RedisClient,
  ack: ReplicaAck,
  options: {
    keyPrefix?: string;
    onFailure?: (err: ReplicaAckError) => void;
    onRecovery?: (failures: number) => void;
  } = {},
): ReplicaGate {
  let failures = 0;
  const masterLosses = ack.minReplicas > 0 ? watchMasterLosses(client) : undefined;
  const waitOptions: WaitOptions = options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix };
  async function wait(since?: ReplicaMark): Promise<void> {
    if (ack.minReplicas <= 0) return;
    try {
      await waitForReplicas(client, ack, waitOptions);
      // Checked after the WAIT too: a connection that closed while it ran may have carried writes.
      if (since !== undefined && masterLosses!.losses() !== since.losses)
        throw new ReplicaAckError("cluster", 0, ack.minReplicas, {
          why: `a master connection was lost after the writes (${masterLosses!.lastLoss()}); they may be lost with it`,
        });
    } catch (err) {
      failures++;
      if (err instanceof ReplicaAckError) options.onFailure?.(err);
      // A failover may have moved masters: the next wait asks the cluster's current ones.
      if (isCluster(client)) client.refreshSlotsCache(() => undefined);
      throw err;
    }
    if (failures > 0) {
      options.onRecovery?.(failures);
      failures = 0;
    }
  }
  return {
    mark: () => ({ losses: masterLosses?.losses() ?? 0 }),
    wait,
    async healthy() {
      if (failures === 0) return true;
      return wait().then(
        () => true,
        () => false, // counted and reported by `wait`
      );
    },
  };
}
