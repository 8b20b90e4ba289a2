/**
 * A V8 CPU profile (.cpuprofile, from `node --cpu-prof` or backlog-cpu.ts --profile) summarised: self and
 * total time by function and by file, the top `n` of each, and the share of GC and (program).
 *
 * `npx tsx test/bench/profile-top.ts <file.cpuprofile> [n=40] [events]` (with events: µs per event too)
 */
import { readFileSync } from "node:fs";
import type { Profiler } from "node:inspector";

const [file, nArg, eventsArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, "utf8")) as Profiler.Profile;
const top = Number(nArg ?? 40);
const events = eventsArg ? Number(eventsArg) : undefined;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
let total = 0;
for (let i = 0; i < samples.length; i++) {
  const d = deltas[i] ?? 0;
  const n = byId.get(samples[i]!)!;
  if (n.callFrame.functionName === "(idle)") continue;
  self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + d);
  total += d;
}
const short = (url: string) =>
  url
    .replace(/^.*\/(node_modules\/)/, "$1")
    .replace(/^.*\/wt-[^/]+\//, "")
    .replace(/^file:\/\//, "");
const label = (n: Profiler.ProfileNode) =>
  `${n.callFrame.functionName || "(anon)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const fnSelf = new Map<string, number>();
const fnTotal = new Map<string, number>();
const fileSelf = new Map<string, number>();
const fileTotal = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  fnSelf.set(label(n), (fnSelf.get(label(n)) ?? 0) + us);
  const f = short(n.callFrame.url) || n.callFrame.functionName;
  fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
  const seenFn = new Set<string>();
  const seenFile = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const c = byId.get(cur)!;
    const l = label(c);
    if (!seenFn.has(l)) {
      seenFn.add(l);
      fnTotal.set(l, (fnTotal.get(l) ?? 0) + us);
    }
    const ff = short(c.callFrame.url) || c.callFrame.functionName;
    if (!seenFile.has(ff)) {
      seenFile.add(ff);
      fileTotal.set(ff, (fileTotal.get(ff) ?? 0) + us);
    }
  }
}
const fmt = (us: number) =>
  `${((us / total) * 100).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(6)} ms${events ? ` ${(us / events).toFixed(2).padStart(6)} µs/ev` : ""}`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n== ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(v)}  ${k}`);
};
console.log(`total non-idle ${(total / 1000).toFixed(0)} ms`);
print("self by function", fnSelf);
print("self by file", fileSelf);
print("total by file", fileTotal);
print("total by function", fnTotal);
