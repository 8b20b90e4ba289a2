import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROCESSOR_NODE_FLAGS } from "./node-flags.js";

const scripts = (path: string): Record<string, string> =>
  (JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("the processor's node flags", () => {
  // The bench's figures are the processor's only if both run under the same flags (node-flags.ts).
  it.each([
    ["package.json", "start"],
    ["package.json", "demo"],
    ["package.json", "bench"],
    ["services/processor/package.json", "start"],
    ["services/allinone/package.json", "start"],
  ])("%s's %s script runs with them", (path, name) => {
    const script = scripts(path)[name]!;
    for (const f of PROCESSOR_NODE_FLAGS) expect(script.split(" ")).toContain(f);
  });
});
