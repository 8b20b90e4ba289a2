import { describe, expect, it } from "vitest";
import { parseScoreguardConfig } from "@sg/config";
import { groupKeyOf, groupsFor, matchRoutes, routeSpecs } from "./routing.js";
import { record } from "../../testing/fixtures.js";

const config = parseScoreguardConfig({
  receivers: {
    a: { type: "webhook", url: "http://127.0.0.1:1/a" },
    b: { type: "webhook", url: "http://127.0.0.1:1/b" },
    c: { type: "webhook", url: "http://127.0.0.1:1/c" },
  },
  routes: [
    { match: { severity: "critical" }, receivers: ["a"], continue: true },
    { match: { platform: "douyin" }, receivers: ["b"], groupBy: ["platform", "metric"] },
    { match: { shop: ["s1"] }, receivers: ["c"] },
    { receivers: ["a"] },
  ],
});
const routes = routeSpecs(config.routes);

describe("routing", () => {
  it("takes the first match, and continues past a route with continue", () => {
    expect(matchRoutes(routes, record({ severity: "critical" })).map((r) => r.id)).toEqual(["r0", "r2"]);
    expect(matchRoutes(routes, record({ severity: "warning" })).map((r) => r.id)).toEqual(["r2"]);
    expect(matchRoutes(routes, record({ severity: "critical", platform: "douyin" })).map((r) => r.id)).toEqual(["r0", "r1"]);
    expect(matchRoutes(routes, record({ severity: "warning", shopId: "s9" })).map((r) => r.id)).toEqual(["r3"]);
  });

  it("groups by labels, shop as platform:shopId, with ids safe inside a hash tag", () => {
    const gs = groupsFor(routes, record({ severity: "critical", platform: "douyin", shopId: "{x}", metric: "pickup_24h_rate" }));
    expect(gs.map((g) => g.groupId)).toEqual(["r0|shop=douyin%3A%7Bx%7D", "r1|metric=pickup_24h_rate,platform=douyin"]);
    const first = gs[0];
    if (!first) throw new Error("no group");
    expect(groupKeyOf(first.route, first.labels)).toBe('{}/r0:{shop="douyin:{x}"}');
  });
});
