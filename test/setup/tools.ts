// The system tools `npm test` needs besides Node, each with the Debian package that provides it. The
// `pretest` hook (check-tools.ts) checks them, installs what is missing when it can, and otherwise stops
// naming what is missing and the command that installs it. Pure: the machine is reached through `Probe`.

/** How the check looks at the machine; check-tools.ts passes the real one, the unit test a fake. */
export interface Probe {
  /** Whether `command` is on PATH. */
  onPath(command: string): boolean;
  /** Whether `path` is an executable file. */
  executable(path: string): boolean;
  /** The major version `java -version` reports, or undefined without a java that answers. */
  javaMajor(): number | undefined;
}

export interface Tool {
  /** What the message names. */
  name: string;
  /** Why `npm test` needs it. */
  usedBy: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  present(probe: Probe): boolean;
}

export const JAVA_MIN = 17;

/** The Chromium the board's browser test drives (services/gateway/testing/browser.ts reads the same variable). */
export function chromiumPath(env: Record<string, string | undefined>): string {
  return env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

export function tools(env: Record<string, string | undefined>): Tool[] {
  const chromium = chromiumPath(env);
  return [
    {
      name: `java ${JAVA_MIN} or later`,
      usedBy: "the local Kafka broker of the int tests",
      debianPackage: "openjdk-17-jdk-headless",
      present: (p) => (p.javaMajor() ?? 0) >= JAVA_MIN,
    },
    { name: "mvn", usedBy: "fetching the Kafka broker's jars", debianPackage: "maven", present: (p) => p.onPath("mvn") },
    { name: "redis-server", usedBy: "the int tests' Redis", debianPackage: "redis-server", present: (p) => p.onPath("redis-server") },
    {
      name: "promtool and prometheus",
      usedBy: "the alerting rules' and Prometheus config's checks",
      debianPackage: "prometheus",
      present: (p) => p.onPath("promtool") && p.onPath("prometheus"),
    },
    { name: chromium, usedBy: "the board's browser test", debianPackage: "chromium", present: (p) => p.executable(chromium) },
  ];
}

export function missingTools(all: Tool[], probe: Probe): Tool[] {
  return all.filter((t) => !t.present(probe));
}

/** Who may install Debian packages here. */
export interface Installer {
  /** apt-get is on PATH (a Debian or Ubuntu machine). */
  apt: boolean;
  /** The process runs as root. */
  root: boolean;
  /** sudo runs without asking for a password (`sudo -n true` succeeds). */
  sudoWithoutPassword: boolean;
}

export type Plan = { kind: "ready" } | { kind: "install"; packages: string[]; commands: string[][] } | { kind: "stop"; message: string };

/** The command a person runs to install `packages` (what the stop message names). */
export function installCommand(packages: string[]): string {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

/** What to do about `missing`: nothing, install them (as root or through passwordless sudo), or stop at once. */
export function plan(missing: Tool[], who: Installer): Plan {
  if (missing.length === 0) return { kind: "ready" };
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  if (who.apt && (who.root || who.sudoWithoutPassword)) {
    const sudo = who.root ? [] : ["sudo", "-n"];
    return {
      kind: "install",
      packages,
      commands: [
        [...sudo, "apt-get", "update"],
        [...sudo, "apt-get", "install", "-y", "--no-install-recommends", ...packages],
      ],
    };
  }
  const why = !who.apt ? "apt-get is not on this machine" : "installing needs root (or sudo without a password)";
  return {
    kind: "stop",
    message: [
      `npm test needs tools this machine lacks (${why}):`,
      ...missing.map((t) => `  - ${t.name} (${t.usedBy}): Debian package ${t.debianPackage}`),
      `Install them with:`,
      `  ${installCommand(packages)}`,
    ].join("\n"),
  };
}

/** The major version in `java -version`'s output ("1.8.0_x" is 8, "17.0.15" is 17), or undefined. */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version "(?:1\.)?(\d+)/.exec(output);
  return m ? Number(m[1]) : undefined;
}
