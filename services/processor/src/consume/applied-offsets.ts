/**
 * The offsets of `sg.events` this instance has applied and not yet committed to Kafka, per partition.
 *
 * kafkajs commits after every batch when it auto-commits: one OffsetCommit round trip to the group coordinator
 * in the consumer's serial chain of batches, about a quarter of that chain at 5,000 events/s (docs/engine.md
 * "Offsets committed once a second"). The processor commits instead what it applied, at most once per
 * OFFSET_COMMIT_MS and once more when it stops. Only applied offsets are ever committed, so a commit never
 * skips an event; a crash or a partition move since the last commit delivers up to that much again, which
 * applying makes no difference to (any arrival order or duplicate gives the same state).
 */
export const OFFSET_COMMIT_MS = 1000;

export type OffsetCommit = { partition: number; offset: string };

export class AppliedOffsets {
  /** Per partition, the last offset applied (resolved), as kafkajs names it: the record's own offset. */
  private readonly applied = new Map<number, bigint>();
  /** Per partition, the last applied offset whose commit Kafka acknowledged. */
  private readonly committed = new Map<number, bigint>();

  /** The record at `offset` of `partition` is applied and its offset resolved. */
  markApplied(partition: number, offset: string): void {
    const o = BigInt(offset);
    const prev = this.applied.get(partition);
    if (prev === undefined || o > prev) this.applied.set(partition, o);
  }

  /** A new assignment: what was applied under the previous one is no longer this instance's to commit. */
  reset(): void {
    this.applied.clear();
    this.committed.clear();
  }

  /**
   * The commits due: for each of `partitions` with an applied offset not yet committed, the offset to commit,
   * which Kafka takes as the next record to read (the applied one + 1).
   */
  due(partitions: readonly number[]): OffsetCommit[] {
    const out: OffsetCommit[] = [];
    for (const p of partitions) {
      const a = this.applied.get(p);
      if (a !== undefined && a !== this.committed.get(p)) out.push({ partition: p, offset: (a + 1n).toString() });
    }
    return out;
  }

  /** Kafka acknowledged `commits` (from `due`). */
  acknowledged(commits: readonly OffsetCommit[]): void {
    for (const c of commits) {
      const a = BigInt(c.offset) - 1n;
      const prev = this.committed.get(c.partition);
      if (prev === undefined || a > prev) this.committed.set(c.partition, a);
    }
  }
}
