import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** infra/prometheus: the compose Prometheus config, the alerting rules and their promtool tests. */
export const PROMETHEUS_DIR = fileURLToPath(new URL("../../prometheus/", import.meta.url));

/**
 * Runs `promtool` (Debian's `prometheus` package, which `npm test`'s pretest check installs) and returns its
 * output; rejects with the output when promtool exits non-zero, so a failing check shows promtool's own
 * explanation.
 */
export async function promtool(args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  try {
    const child = run("promtool", args, { cwd: options.cwd ?? PROMETHEUS_DIR, maxBuffer: 16 * 1024 * 1024 });
    if (options.input !== undefined) {
      child.child.stdin?.end(options.input);
    }
    const { stdout, stderr } = await child;
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("promtool not found: install Debian's `prometheus` package (`npm test`'s pretest check does)");
    throw new Error(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}
