// `npm test`'s pretest hook: checks the system tools the suite needs (tools.ts), installs the missing ones
// from Debian's packages when it may (root, or sudo without a password), and otherwise exits 1 at once,
// naming each missing tool and the command that installs it.
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { missingTools, parseJavaMajor, plan, tools, type Probe } from "./tools.js";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const probe: Probe = {
  onPath: (command) => (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && executable(join(dir, command))),
  executable,
  javaMajor() {
    const r = spawnSync("java", ["-version"], { encoding: "utf8" });
    return r.error ? undefined : parseJavaMajor(`${r.stderr}${r.stdout}`);
  },
};

const all = tools(process.env);
const missing = missingTools(all, probe);
// Who may install is asked only when something is missing (`sudo -n true` is a process of its own).
const next = plan(
  missing,
  missing.length === 0
    ? { apt: false, root: false, sudoWithoutPassword: false }
    : {
        apt: probe.onPath("apt-get"),
        root: process.getuid?.() === 0,
        sudoWithoutPassword: probe.onPath("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0,
      },
);

if (next.kind === "stop") {
  process.stderr.write(`${next.message}\n`);
  process.exit(1);
}
if (next.kind === "install") {
  process.stdout.write(
    `pretest: installing Debian packages ${next.packages.join(" ")} (missing: ${missing.map((t) => t.name).join(", ")})\n`,
  );
  for (const [cmd, ...args] of next.commands) {
    const r = spawnSync(cmd!, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) {
      process.stderr.write(`pretest: \`${[cmd, ...args].join(" ")}\` failed (${r.error?.message ?? `exit ${r.status}`})\n`);
      process.exit(1);
    }
  }
  const still = missingTools(all, probe);
  if (still.length > 0) {
    process.stderr.write(`pretest: still missing after the install: ${still.map((t) => t.name).join(", ")}\n`);
    process.exit(1);
  }
}
process.stdout.write(`pretest: ${all.map((t) => t.name).join(", ")} present\n`);
