/**
 * The rule packs the bench runs under: the packs in force (`latest`, metrics.md "Which pack a shop uses") for
 * Douyin and Pinduoduo, whose 2026 packs add indicators (star reviews, pickup and delivery clocks, after-sale
 * review and refund clocks, 飞鸽 sessions) and so cost more than contract v1; Kuaishou and JD keep their
 * contract-v1 packs. `BENCH_PACKS=v1` runs every platform on contract v1, for comparison with older figures.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Platform } from "@sg/events";

export const BENCH_PACKS: Partial<Record<Platform, string>> = process.env.BENCH_PACKS === "v1" ? {} : { douyin: "latest", pdd: "latest" };

/** One line for a section's method: which packs are active. */
export const packsLabel = (): string =>
  Object.keys(BENCH_PACKS).length === 0
    ? "contract-v1 packs (BENCH_PACKS=v1)"
    : `packs: ${Object.entries(BENCH_PACKS)
        .map(([p, c]) => `${p} ${c}`)
        .join(", ")}, the others contract v1`;

/** The `packs:` block of a scoreguard.yaml, as lines. */
export function packsYaml(): string[] {
  const entries = Object.entries(BENCH_PACKS);
  return entries.length === 0 ? [] : ["packs:", ...entries.map(([p, c]) => `  ${p}: ${c}`)];
}

/** A scoreguard.yaml holding only the bench's pack choices, in a fresh temporary folder: its path. */
export function writePacksConfig(): string {
  const path = join(mkdtempSync(join(tmpdir(), "sg-bench-packs-")), "scoreguard.yaml");
  writeFileSync(path, [...packsYaml(), ""].join("\n"));
  return path;
}
