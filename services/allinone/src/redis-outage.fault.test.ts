import { describe, expect, it } from "vitest";
import { createRedis, type Redis } from "@sg/redis";
import { decodeStored, type AftersaleRec } from "@sg/processor/state";
import { disputeBreach, DISPUTE_AFTERSALES, DISPUTE_FACTS_PER_AFTERSALE, pollUntil, testInfra, uniqueName } from "@sg/test";
import { faultLedger } from "../../../test/src/faults/summary.js";
import { criticalToWebhookConfig, freePort, startOwnRedis, startService } from "../../../test/src/faults/processes.js";
import { startWebhookReceiver } from "../../../test/robots/index.js";

/**
 * As an operator would see it: `npm start`'s process on its own redis-server (AOF), events
 * posted without pause, and the redis-server SIGKILLed mid-load and restarted some seconds later.
 * - The process survives (no exit of its own).
 * - /readyz answers 503 during the outage and 200 within seconds after it.
 * - Every event answered 202, before, during or after the outage, is applied afterwards.
 * - Every shop whose events were acknowledged gets its critical alert delivered to the webhook.
 */
/**
 * The events of a shop that Redis holds: each after-sale's record keeps its request, ruling and completion
 * as facts (engine v2, services/processor/src/engine/incremental/records.ts), one per applied event.
 */
async function factsOf(redis: Redis, prefix: string, shopId: string, tag: string): Promise<number> {
  let facts = 0;
  for (let i = 0; i < DISPUTE_AFTERSALES; i++) {
    const key = `a:${tag}-as${i}`;
    const value = await redis.hget(`${prefix}:{kuaishou:${shopId}}:ent`, key);
    if (value === null) continue;
    const rec = decodeStored(key, value).rec as AftersaleRec;
    facts += (rec.request ? 1 : 0) + (rec.arbitrations?.length ?? 0) + (rec.completions?.length ?? 0);
  }
  return facts;
}

describe("Redis SIGKILL and restart under load (all-in-one)", () => {
  it("rides out the outage: readiness follows Redis, nothing acknowledged is lost, alerts delivered", async () => {
    const { brokers } = testInfra();
    const run = uniqueName("rfault");
    const redis = await startOwnRedis();
    const hook = await startWebhookReceiver();
    const { token, configPath } = criticalToWebhookConfig(run, hook.url);
    const port = await freePort();
    // /readyz is on the ops port (OPS_PORT), never the public one.
    const opsPort = await freePort();
    const svc = startService("services/allinone/src/main.ts", {
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: redis.url,
      SCOREGUARD_CONFIG: configPath,
      GATEWAY_PORT: String(port),
      OPS_PORT: String(opsPort),
      TOPIC_PREFIX: `${run}.`,
      KEY_PREFIX: run,
      EVENTS_PARTITIONS: "2",
      LOG_LEVEL: "warn",
    });
    const base = `http://127.0.0.1:${port}`;
    const readyz = async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).status;
    const acked = new Set<string>();
    let posted = 0;
    let faults = 0;
    const check = createRedis(redis.url, { maxRetriesPerRequest: 1 }, () => undefined);
    const ledger = faultLedger("redis-sigkill-allinone");
    ledger.set({ faultsPlanned: 1 });
    try {
      await pollUntil(async () => (await readyz()) === 200, { timeoutMs: 120_000, message: "all-in-one ready" });

      // One shop per request: four refunds ruled against the merchant → critical, at any hour (test/src/breach.ts).
      const t = Date.now();
      const perShop = DISPUTE_AFTERSALES * DISPUTE_FACTS_PER_AFTERSALE;
      const post = async () => {
        const shopId = `s${posted++}`;
        const res = await fetch(`${base}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(disputeBreach(shopId, t, `${run}-${shopId}`)),
        }).catch(() => undefined);
        if (res?.status === 202) {
          acked.add(shopId);
          ledger.set({ eventsAcknowledged: perShop * acked.size, alertsExpected: acked.size });
        }
        await res?.text();
      };
      let loading = true;
      const load = (async () => {
        while (loading && posted < 400) {
          await post();
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      await pollUntil(() => acked.size >= 10, { timeoutMs: 30_000, message: "load under way" });
      await redis.kill();
      faults++;
      ledger.set({ faultsInjected: faults });
      const killedAt = posted;
      await pollUntil(async () => (await readyz()) === 503, { timeoutMs: 20_000, message: "/readyz 503 during the outage" });
      // Keep the load on through a few seconds of outage.
      await pollUntil(() => posted >= killedAt + 20, { timeoutMs: 30_000, message: "requests during the outage" });
      await new Promise((r) => setTimeout(r, 3000));
      ledger.set({ crashes: svc.exitedOnItsOwn ? 1 : 0 });
      expect(svc.exitedOnItsOwn).toBe(false);
      await redis.restart();
      const back = Date.now();
      await pollUntil(async () => (await readyz()) === 200, { timeoutMs: 30_000, message: "/readyz 200 after the outage" });
      const readyAfterMs = Date.now() - back;
      await pollUntil(() => posted >= killedAt + 40, { timeoutMs: 30_000, message: "requests after the outage" });
      loading = false;
      await load;

      expect(acked.size).toBeGreaterThan(20);
      let applied = 0;
      await pollUntil(
        async () => {
          applied = 0;
          for (const shopId of acked) applied += await factsOf(check, run, shopId, `${run}-${shopId}`);
          return applied === perShop * acked.size;
        },
        { timeoutMs: 90_000 },
      ).catch(() => undefined);
      ledger.set({ eventsApplied: applied });
      const delivered = () =>
        new Set(
          hook.bodies.flatMap((b) => b.alerts.filter((a) => a.status === "firing").map((a) => a.labels.shop!.slice("kuaishou:".length))),
        );
      await pollUntil(() => [...acked].every((s) => delivered().has(s)), { timeoutMs: 90_000 }).catch(() => undefined);
      ledger.set({ alertsDelivered: [...acked].filter((s) => delivered().has(s)).length, crashes: svc.exitedOnItsOwn ? 1 : 0 });
      expect(applied, "every acknowledged event applied").toBe(perShop * acked.size);
      expect(ledger.counts.alertsDelivered, "an alert delivered for every acknowledged shop").toBe(acked.size);
      // Consistent: no alert for a shop whose events were refused.
      for (const s of delivered()) expect(acked.has(s)).toBe(true);
      expect(svc.exitedOnItsOwn).toBe(false);
      expect(readyAfterMs).toBeLessThan(30_000);
      ledger.finish();
    } finally {
      const code = await svc.kill("SIGINT");
      check.disconnect();
      await hook.close();
      await redis.stop();
      if (process.env.FAULT_LOG) process.stderr.write(svc.output());
      expect(code).toBe(0);
    }
  });
});
