import { describe, expect, it } from "vitest";
import type { ShopEvents } from "../state/entity-store.js";
import { StateContentionError } from "../state/entity-store.js";
import { classifyFailure } from "./failure-class.js";
import { applyIsolatingPoison, POISON_ATTEMPTS } from "./poison.js";

const shop = (id: string): ShopEvents => ({ shop: { platform: "pdd", shopId: id }, events: [] });
const noSleep = async () => undefined;

class ReplyError extends Error {
  override name = "ReplyError";
}

describe("classifyFailure", () => {
  it("calls outages, busy or failing-over Redis and contention transient, through wrapped causes", () => {
    const closed = new Error("committing a shop's state failed", { cause: new Error("Connection is closed.") });
    expect(classifyFailure(closed)).toBe("transient");
    expect(classifyFailure(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe("transient");
    expect(classifyFailure(new ReplyError("OOM command not allowed when used memory > 'maxmemory'."))).toBe("transient");
    expect(classifyFailure(new ReplyError("LOADING Redis is loading the dataset in memory"))).toBe("transient");
    expect(classifyFailure(new StateContentionError(3))).toBe("transient");
    const retries = new Error("x");
    retries.name = "MaxRetriesPerRequestError";
    expect(classifyFailure(retries)).toBe("transient");
  });

  it("calls script errors and exceptions of the fold record failures", () => {
    const unpack = new Error("loading the state of pdd:p failed", {
      cause: new ReplyError("ERR user_script:23: too many results to unpack script: 1f2e..., on @user_script:23."),
    });
    expect(classifyFailure(unpack)).toBe("records");
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'at')"))).toBe("records");
  });
});

describe("applyIsolatingPoison", () => {
  it("applies a healthy batch in one call", async () => {
    let calls = 0;
    const r = await applyIsolatingPoison(
      new Map([
        ["a", shop("a")],
        ["b", shop("b")],
      ]),
      async (m) => {
        calls++;
        return new Map([...m.keys()].map((k) => [k, 1]));
      },
      noSleep,
    );
    expect(calls).toBe(1);
    expect([...r.changed]).toEqual([
      ["a", 1],
      ["b", 1],
    ]);
    expect(r.quarantined.size).toBe(0);
  });

  it("isolates the shop whose events keep failing after POISON_ATTEMPTS tries and applies the others", async () => {
    const tries = new Map<string, number>();
    const r = await applyIsolatingPoison(
      new Map([
        ["good", shop("good")],
        ["bad", shop("bad")],
        ["good2", shop("good2")],
      ]),
      async (m) => {
        if (m.has("bad")) {
          if (m.size === 1) tries.set("bad", (tries.get("bad") ?? 0) + 1);
          throw new ReplyError("ERR user_script:1: too many results to unpack");
        }
        return new Map([...m.keys()].map((k) => [k, 2]));
      },
      noSleep,
    );
    expect(tries.get("bad")).toBe(POISON_ATTEMPTS);
    expect([...r.changed.keys()].sort()).toEqual(["good", "good2"]);
    expect([...r.quarantined.keys()]).toEqual(["bad"]);
    expect(r.quarantined.get("bad")).toMatch(/too many results to unpack/);
  });

  it("keeps a shop that fails once and then applies (no quarantine for a passing fault)", async () => {
    let failed = false;
    const r = await applyIsolatingPoison(
      new Map([
        ["a", shop("a")],
        ["b", shop("b")],
      ]),
      async (m) => {
        if (!failed) {
          failed = true;
          throw new TypeError("boom");
        }
        return new Map([...m.keys()].map((k) => [k, 1]));
      },
      noSleep,
    );
    expect(r.quarantined.size).toBe(0);
    expect([...r.changed.keys()].sort()).toEqual(["a", "b"]);
  });

  it("throws a transient failure on, whole batch or single shop, so nothing is quarantined during an outage", async () => {
    const down = new Error("Connection is closed.");
    await expect(applyIsolatingPoison(new Map([["a", shop("a")]]), async () => Promise.reject(down), noSleep)).rejects.toBe(down);
    let first = true;
    await expect(
      applyIsolatingPoison(
        new Map([
          ["a", shop("a")],
          ["b", shop("b")],
        ]),
        async () => {
          if (first) {
            first = false;
            throw new TypeError("boom");
          }
          throw down;
        },
        noSleep,
      ),
    ).rejects.toBe(down);
  });
});
