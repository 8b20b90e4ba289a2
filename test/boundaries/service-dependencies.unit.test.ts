// Services meet only through contracts (architecture.md): no package under services/ lists another service
// among its dependencies, the all-in-one process aside (it exists to run them together). Shared code lives
// in shared/* (contracts: @sg/events). Checks every service's package.json, dependencies of every kind.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const servicesDir = fileURLToPath(new URL("../../services/", import.meta.url));
const ALLOWED_TO_COMPOSE = new Set(["@sg/allinone"]);

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const services: PackageJson[] = readdirSync(servicesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => JSON.parse(readFileSync(join(servicesDir, d.name, "package.json"), "utf8")) as PackageJson);
const serviceNames = new Set(services.map((s) => s.name));

describe("service boundaries", () => {
  it("finds the services", () => {
    expect([...serviceNames]).toEqual(expect.arrayContaining(["@sg/gateway", "@sg/processor", "@sg/notifier", "@sg/allinone"]));
  });

  it.each(services.filter((s) => !ALLOWED_TO_COMPOSE.has(s.name)).map((s) => [s.name, s] as const))(
    "%s lists no other service",
    (_name, pkg) => {
      const listed = [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies, pkg.optionalDependencies].flatMap((d) =>
        Object.keys(d ?? {}),
      );
      expect(listed.filter((dep) => serviceNames.has(dep) && dep !== pkg.name)).toEqual([]);
    },
  );
});
