// Waiting for replicas before acknowledging (architecture.md "Replicated Redis"). Redis replication is
// asynchronous: a write a master answered OK is lost if the master dies before a replica copied it and that
// replica is promoted. A service that then commits the Kafka offset of the events behind the write has lost
// them for good. `WAIT numreplicas timeout` on the connection that wrote blocks until that many replicas
// acknowledged every write the connection made so far, so calling it before an acknowledgement closes the gap.
import type { Redis as RedisNode } from "ioredis";
import { isCluster, type RedisClient } from "./client.js";

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
    options?: ErrorOptions,
  ) {
    super(`redis ${node}: ${acked} of ${wanted} replicas acknowledged the writes in time`, options);
  }
}

function nodeName(node: RedisNode): string {
  return `${node.options.host ?? "?"}:${node.options.port ?? "?"}`;
}

/**
 * Resolves once `ack.minReplicas` replicas hold every write this client has made so far; throws
 * `ReplicaAckError` otherwise. On a cluster it sends WAIT to every master at once, on the connection the
 * client's commands and pipelines to that master use (WAIT counts the writes of its own connection; a master
 * this client wrote nothing to answers at once). A master that cannot be reached, or whose replica is gone
 * (a failover left it without one), fails the wait: its writes are not known to be safe.
 */
export async function waitForReplicas(client: RedisClient, ack: ReplicaAck): Promise<void> {
  if (ack.minReplicas <= 0) return;
  const nodes: RedisNode[] = isCluster(client) ? client.nodes("master") : [client];
  if (nodes.length === 0) throw new ReplicaAckError("cluster", 0, ack.minReplicas);
  await Promise.all(
    nodes.map(async (node) => {
      let acked: number;
      try {
        acked = Number(await node.call("WAIT", ack.minReplicas, ack.timeoutMs));
      } catch (err) {
        throw new ReplicaAckError(nodeName(node), 0, ack.minReplicas, { cause: err });
      }
      if (!(acked >= ack.minReplicas)) throw new ReplicaAckError(nodeName(node), acked, ack.minReplicas);
    }),
  );
}

/** `waitForReplicas` with a memory of its last outcome, for readiness: what a service holds. */
export interface ReplicaGate {
  /** Waits for the replicas (nothing when off); throws `ReplicaAckError` when they fall short. */
  wait(): Promise<void>;
  /** For /readyz: true unless the last wait failed; after a failure, waits once more to find out. */
  healthy(): Promise<boolean>;
}

/**
 * A gate on `client` for `ack`; `onFailure` hears each failed wait (to log it), `onRecovery` the first
 * success after failures.
 */
export function createReplicaGate(
  client: RedisClient,
  ack: ReplicaAck,
  hooks: { onFailure?: (err: ReplicaAckError) => void; onRecovery?: (failures: number) => void } = {},
): ReplicaGate {
  let failures = 0;
  async function wait(): Promise<void> {
    try {
      await waitForReplicas(client, ack);
    } catch (err) {
      failures++;
      if (err instanceof ReplicaAckError) hooks.onFailure?.(err);
      // A failover may have moved masters: the next wait asks the cluster's current ones.
      if (isCluster(client)) client.refreshSlotsCache(() => undefined);
      throw err;
    }
    if (failures > 0) {
      hooks.onRecovery?.(failures);
      failures = 0;
    }
  }
  return {
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
