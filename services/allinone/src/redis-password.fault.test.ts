import { describe, expect, it } from "vitest";
import { pollUntil, testInfra, uniqueName } from "@sg/test";
import { faultLedger } from "../../../test/src/faults/summary.js";
import { freePort, startOwnRedis, startService } from "../../../test/src/faults/processes.js";

/**
 * A wrong Redis password. ioredis puts the password it sent in the AUTH error's
 * `command.args`; Node printed that error whole and the process died (and, restarted, printed it again). Now
 * the process stays up, not ready, reporting the refusal a few times without the password.
 */
describe("a wrong Redis password", () => {
  it("never prints the password, and the process stays up and not ready instead of crash-looping", async () => {
    const { brokers } = testInfra();
    const run = uniqueName("rpass");
    const rightPassword = `right-${run.slice(-12)}`;
    const wrongPassword = `wrong-${run.slice(-12)}`;
    const redis = await startOwnRedis({ password: rightPassword });
    const port = await freePort();
    // /readyz is on the ops port (OPS_PORT), never the public one.
    const opsPort = await freePort();
    const svc = startService("services/allinone/src/main.ts", {
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: `redis://:${wrongPassword}@127.0.0.1:${redis.port}`,
      GATEWAY_PORT: String(port),
      OPS_PORT: String(opsPort),
      TOPIC_PREFIX: `${run}.`,
      KEY_PREFIX: run,
      EVENTS_PARTITIONS: "2",
      LOG_LEVEL: "info",
    });
    const ledger = faultLedger("redis-wrong-password");
    ledger.set({ faultsPlanned: 1 });
    try {
      await pollUntil(() => /WRONGPASS|NOAUTH|invalid username-password/.test(svc.output()), {
        timeoutMs: 120_000,
        message: "the refusal is reported",
      });
      ledger.set({ faultsInjected: 1 });
      // Twelve more seconds: about a dozen reconnect attempts per client, each refused.
      await new Promise((r) => setTimeout(r, 12_000));
      ledger.set({ crashes: svc.exitedOnItsOwn ? 1 : 0 });
      expect(svc.exitedOnItsOwn).toBe(false);
      const out = svc.output();
      expect(out).not.toContain(wrongPassword);
      expect(out).not.toContain(rightPassword);
      // Reported, and no crash loop: the process started once and is still the same one.
      expect(out.split("\n").filter((l) => /WRONGPASS|invalid username-password/.test(l)).length).toBeGreaterThan(0);
      expect(out.match(/notifier started/g)).toHaveLength(1);
      // The processor's failing evaluation passes (one a second) are logged about every 10 s, not each.
      expect(out.match(/evaluation pass failed/g)?.length ?? 0).toBeLessThanOrEqual(3);
      const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`)
        .then((r) => r.status)
        .catch(() => "no answer");
      if (ready !== "no answer") expect(ready).toBe(503);
      ledger.finish();
    } finally {
      await svc.kill("SIGKILL");
      await redis.stop();
      if (process.env.FAULT_LOG) process.stderr.write(svc.output());
    }
  });
});
