/**
 * The V8 flags the processor runs with (its `start` scripts, and the all-in-one's, in package.json): the bench
 * runs the processor's code under the same ones, in its own process (`npm run bench`) and in the processes it
 * spawns, so its figures are the processor's as deployed.
 *
 * `--max-semi-space-size=64`: a young generation of 64 MB a semi-space instead of V8's default. The processor's
 * garbage is short-lived (decoded records, contributions, an evaluation's reads and snapshot), so half as many
 * scavenges copy about the same survivors: GC 4.2 → 2.3 µs of CPU per event in the backlog, and a busy shop's
 * evaluation meets a scavenge about half as often (docs/bench.md "Quiet runs, 2026-12-07 11:40–"). The price is
 * memory: up to about 128 MB more resident for the young generation (docs/operations.md "Memory").
 */
export const PROCESSOR_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/** Whether this process runs with the processor's flags (on its command line or in NODE_OPTIONS). */
export function hasProcessorFlags(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return PROCESSOR_NODE_FLAGS.every((f) => given.includes(f));
}

/** One line for a bench's header: which flags the processor's code runs with in this process. */
export function processorFlagsNote(): string {
  return hasProcessorFlags()
    ? `node flags: ${PROCESSOR_NODE_FLAGS.join(" ")} (the processor's)`
    : `node flags: NOT the processor's (${PROCESSOR_NODE_FLAGS.join(" ")}): figures of the processor's code in this process are not its deployed ones; run \`npm run bench\` or add the flags`;
}
