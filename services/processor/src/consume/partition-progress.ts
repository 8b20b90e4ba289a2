/**
 * Whether each partition this instance owns is advancing. A partition has lag (records between the last
 * resolved offset and the high watermark the last fetch saw); it is stalled when it has lag and no offset
 * of it was resolved for `stallAfterMs`. Readiness and `sg_processor_partition_stalled_seconds` read it.
 */
export class PartitionProgress {
  private readonly lag = new Map<number, number>();
  private readonly advancedAt = new Map<number, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A fetch of `partition` arrived: its lag before the batch is applied (high watermark − first offset). */
  fetched(partition: number, lag: number): void {
    if (!this.advancedAt.has(partition)) this.advancedAt.set(partition, this.clock());
    this.lag.set(partition, Math.max(0, lag));
  }

  /** The batch's offsets were resolved: `lag` records remain. */
  advanced(partition: number, lag: number): void {
    this.advancedAt.set(partition, this.clock());
    this.lag.set(partition, Math.max(0, lag));
  }

  /** After a group join: partitions owned now start their clocks afresh; others are forgotten. */
  assigned(partitions: readonly number[]): void {
    const now = new Set(partitions);
    for (const p of [...this.lag.keys(), ...this.advancedAt.keys()]) {
      if (!now.has(p)) {
        this.lag.delete(p);
        this.advancedAt.delete(p);
      }
    }
    for (const p of partitions) this.advancedAt.set(p, this.clock());
  }

  lagOf(partition: number): number | undefined {
    return this.lag.get(partition);
  }

  /** Seconds a partition with lag has not advanced (0 when it has no lag or just advanced). */
  stalledSeconds(partition: number): number {
    const lag = this.lag.get(partition) ?? 0;
    const at = this.advancedAt.get(partition);
    if (lag === 0 || at === undefined) return 0;
    return Math.max(0, (this.clock() - at) / 1000);
  }

  /** Partitions with lag that have not advanced for `stallAfterMs`. */
  stalled(stallAfterMs: number): number[] {
    return [...this.lag.keys()]
      .filter((p) => (this.lag.get(p) ?? 0) > 0 && this.stalledSeconds(p) * 1000 >= stallAfterMs)
      .sort((a, b) => a - b);
  }

  partitions(): number[] {
    return [...new Set([...this.lag.keys(), ...this.advancedAt.keys()])].sort((a, b) => a - b);
  }
}
