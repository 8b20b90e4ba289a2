// Helpers for *.int.test.ts files (style.md: real Kafka and Redis, unique names, poll instead of sleep).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { inject } from "vitest";
import "./provided.js";

export type TestInfra = { brokers: string[]; redisUrl: string };

/** The Kafka and Redis of this test run (from the int project's global setup). */
export function testInfra(): TestInfra {
  return { brokers: inject("kafkaBrokers"), redisUrl: inject("redisUrl") };
}

/** `prefix-<uuid>`: a topic, group, key or shop name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export type PollOptions = { timeoutMs?: number; intervalMs?: number; message?: string };

/**
 * Calls `fn` until it returns a value other than undefined, null or false, and returns that value. A
 * throw counts as "not yet" (so `expect(...)` works inside `fn`); after `timeoutMs` (default 10s) it
 * fails with `message` and the last error or value.
 */
export async function pollUntil<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50, message = "condition not met" }: PollOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: { error: unknown } | { value: unknown } = { value: undefined };
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      if ("error" in last) throw new Error(`pollUntil: ${message} within ${timeoutMs}ms`, { cause: last.error });
      throw new Error(`pollUntil: ${message} within ${timeoutMs}ms (last value: ${String(last.value)})`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Asserts that `fn` stays true for a bounded quiet period (`forMs`, default 3 s), checking every
 * `intervalMs`. For "nothing else was sent": a record still in flight through Kafka would arrive after
 * an immediate check; it cannot hide from one that keeps looking for a while. Fails at the first breach.
 */
export async function holdsFor(
  fn: () => boolean | Promise<boolean>,
  { forMs = 3_000, intervalMs = 50, message = "condition held" }: { forMs?: number; intervalMs?: number; message?: string } = {},
): Promise<void> {
  const until = Date.now() + forMs;
  for (;;) {
    if (!(await fn())) throw new Error(`holdsFor: ${message} stopped holding within the ${forMs}ms quiet period`);
    if (Date.now() >= until) return;
    await sleep(intervalMs);
  }
}
export { readTopic, type TopicReader } from "./topic-reader.js";
export { testCluster, isClusterUrl, type TestCluster } from "./cluster.js";
export { disputeBreach, DISPUTE_METRIC, DISPUTE_AFTERSALES, DISPUTE_FACTS_PER_AFTERSALE, type BreachEvent } from "./breach.js";
export { histogramTotals } from "./histogram-totals.js";
