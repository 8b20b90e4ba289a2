import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadScoreguardConfig } from "./load.js";

/** The README's starting configuration stays valid. */
describe("infra/scoreguard.example.yaml", () => {
  it("parses, with the dev token and a route to an existing receiver", () => {
    const config = loadScoreguardConfig(fileURLToPath(new URL("../../../infra/scoreguard.example.yaml", import.meta.url)));
    expect(config.apiTokens[0]?.token).toBe("dev-token");
    // Its short token is allowed only because the file marks itself as a development configuration.
    expect(config.development).toBe(true);
    expect(config.routes[0]?.receivers).toEqual(["local-hook"]);
    expect(config.shops["kuaishou:demo-ks"]?.metrics?.human_reply_3min_rate?.threshold).toBe(0.75);
  });
});
