import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { installCommand, missingTools, parseJavaMajor, plan, tools, type Installer, type Probe } from "./tools.js";

/** A machine whose PATH holds `commands`, whose executable files are `files`, with `java` of that major. */
function machine(o: { commands?: string[]; files?: string[]; java?: number }): Probe {
  const commands = new Set(o.commands ?? ["mvn", "redis-server", "promtool", "prometheus"]);
  const files = new Set(o.files ?? ["/usr/bin/chromium"]);
  return { onPath: (c) => commands.has(c), executable: (f) => files.has(f), javaMajor: () => o.java };
}
const complete = machine({ java: 17 });
const root: Installer = { apt: true, root: true, sudoWithoutPassword: false };
const user: Installer = { apt: true, root: false, sudoWithoutPassword: false };
const missingNames = (p: Probe, env: Record<string, string> = {}) => missingTools(tools(env), p).map((t) => t.debianPackage);

describe("pretest tool check", () => {
  it("finds nothing missing on a complete machine, and does nothing there", () => {
    expect(missingNames(complete)).toEqual([]);
    expect(missingNames(machine({ java: 21 }))).toEqual([]);
    expect(plan(missingTools(tools({}), complete), user)).toEqual({ kind: "ready" });
  });

  it("names each missing tool by its Debian package", () => {
    expect(missingNames(machine({ java: 11 }))).toEqual(["openjdk-17-jdk-headless"]);
    expect(missingNames(machine({}))).toEqual(["openjdk-17-jdk-headless"]); // no java at all
    expect(missingNames(machine({ java: 17, commands: ["mvn", "redis-server", "promtool"] }))).toEqual(["prometheus"]);
    expect(missingNames(machine({ java: 17, commands: ["redis-server", "prometheus"] }))).toEqual(["maven", "prometheus"]);
    expect(missingNames(machine({ java: 17, files: [] }))).toEqual(["chromium"]);
    expect(missingNames(machine({ java: 17, commands: [], files: [] }))).toEqual(["maven", "redis-server", "prometheus", "chromium"]);
  });

  it("looks for Chromium where CHROMIUM_PATH says, as the browser test does", () => {
    const p = machine({ java: 17, files: ["/opt/chrome/chrome"] });
    expect(missingNames(p)).toEqual(["chromium"]);
    expect(missingNames(p, { CHROMIUM_PATH: "/opt/chrome/chrome" })).toEqual([]);
  });

  it("as root with apt-get, installs exactly the missing packages, without sudo", () => {
    const missing = missingTools(tools({}), machine({ java: 8, commands: ["mvn", "promtool", "prometheus"], files: [] }));
    expect(plan(missing, root)).toEqual({
      kind: "install",
      packages: ["openjdk-17-jdk-headless", "redis-server", "chromium"],
      commands: [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "openjdk-17-jdk-headless", "redis-server", "chromium"],
      ],
    });
  });

  it("without root, installs through sudo only when it asks for no password", () => {
    const missing = missingTools(tools({}), machine({ java: 17, commands: ["mvn", "redis-server"] }));
    expect(plan(missing, { ...user, sudoWithoutPassword: true })).toMatchObject({
      kind: "install",
      commands: [
        ["sudo", "-n", "apt-get", "update"],
        ["sudo", "-n", "apt-get", "install", "-y", "--no-install-recommends", "prometheus"],
      ],
    });
  });

  it("otherwise stops, naming every missing tool and the command that installs them", () => {
    const missing = missingTools(tools({}), machine({ java: 11, commands: ["mvn", "redis-server", "promtool", "prometheus"], files: [] }));
    const p = plan(missing, user);
    expect(p.kind).toBe("stop");
    const message = (p as { message: string }).message;
    expect(message).toContain("installing needs root");
    expect(message).toContain("java 17 or later");
    expect(message).toContain("/usr/bin/chromium");
    expect(message).toContain(installCommand(["openjdk-17-jdk-headless", "chromium"]));
    expect(message).toContain("sudo apt-get install -y --no-install-recommends openjdk-17-jdk-headless chromium");
    // Not Debian: it cannot install even as root, and says why.
    const q = plan(missing, { ...root, apt: false });
    expect(q).toMatchObject({ kind: "stop" });
    expect((q as { message: string }).message).toContain("apt-get is not on this machine");
  });

  it("reads java's major version from `java -version`", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaMajor("bash: java: command not found")).toBeUndefined();
  });

  it("the pretest script stops at once, exit 1, on a machine where it cannot install (an empty PATH)", () => {
    const repo = fileURLToPath(new URL("../../", import.meta.url));
    const empty = mkdtempSync(join(tmpdir(), "sg-pretest-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", "test/setup/check-tools.ts"], {
        cwd: repo,
        encoding: "utf8",
        env: { PATH: empty, CHROMIUM_PATH: join(empty, "chromium"), HOME: process.env.HOME },
        timeout: 30_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("apt-get is not on this machine");
      expect(r.stderr).toContain("redis-server (the int tests' Redis): Debian package redis-server");
      expect(r.stderr).toContain(
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven redis-server prometheus chromium",
      );
      expect(r.stdout).not.toContain("installing");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
