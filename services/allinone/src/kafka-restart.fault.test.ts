import { describe, expect, it } from "vitest";
import { topicNames } from "@sg/events";
import { createKafka, logLevel } from "@sg/kafka";
import { disputeBreach, DISPUTE_AFTERSALES, DISPUTE_FACTS_PER_AFTERSALE, DISPUTE_METRIC, pollUntil, testInfra, uniqueName } from "@sg/test";
import { faultLedger } from "../../../test/src/faults/summary.js";
import { criticalToWebhookConfig, freePort, startService } from "../../../test/src/faults/processes.js";
import { startOwnKafka } from "../../../test/src/faults/kafka-broker.js";
import { startWebhookReceiver } from "../../../test/robots/index.js";

/**
 * The Kafka broker restart, as an operator would see it: `npm start`'s process on a
 * broker of this test's own (the harness's shared broker is untouched), events posted without pause, and the
 * broker's JVM SIGKILLed mid-load (no controlled shutdown) and started again on the same port and data.
 * - The process survives (no exit of its own).
 * - While the broker is down POST /v1/events answers 503 with Retry-After, never 202 (there is no ack).
 * - /readyz answers 503 during the outage and 200 again after the restart.
 * - Every event answered 202, before or after the outage, is applied, and every shop whose events were
 *   acknowledged gets its critical alert delivered to the webhook.
 */
/** Apart from the harness's brokers (39092 + 100 i), the gateway kafka-down test's (49292 + 100 i) and 9092. */
const PORTS = Array.from({ length: 10 }, (_, i) => 49_342 + 100 * i);
/** How long the broker stays down before it is started again (its start then adds its own seconds). */
const OUTAGE_MS = 10_000;
const PRODUCE_TIMEOUT_MS = 2_000;

type Answer = { shopId: string; status: number | "error"; retryAfter: string | null; sentAt: number; doneAt: number };

describe("Kafka broker SIGKILL and restart under load (all-in-one)", () => {
  it(
    "rides out the restart: 503 with Retry-After while down, readiness follows the broker, nothing acknowledged is lost, alerts delivered",
    { timeout: 600_000 },
    async () => {
      const { redisUrl } = testInfra();
      const run = uniqueName("kfault");
      const broker = await startOwnKafka(PORTS);
      const hook = await startWebhookReceiver();
      const { token, configPath } = criticalToWebhookConfig(run, hook.url);
      const port = await freePort();
      // /readyz is on the ops port (OPS_PORT), never the public one.
      const opsPort = await freePort();
      const svc = startService("services/allinone/src/main.ts", {
        KAFKA_BROKERS: broker.brokers.join(","),
        REDIS_URL: redisUrl,
        SCOREGUARD_CONFIG: configPath,
        GATEWAY_PORT: String(port),
        OPS_PORT: String(opsPort),
        TOPIC_PREFIX: `${run}.`,
        KEY_PREFIX: run,
        EVENTS_PARTITIONS: "2",
        PRODUCE_TIMEOUT_MS: String(PRODUCE_TIMEOUT_MS),
        LOG_LEVEL: "warn",
      });
      const base = `http://127.0.0.1:${port}`;
      const readyz = async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`, { signal: AbortSignal.timeout(10_000) })).status;
      const answers: Answer[] = [];
      const acked = new Set<string>();
      let posted = 0;
      let faults = 0;
      const auth = { authorization: `Bearer ${token}` };
      /** Shops whose twelve events the read API shows applied (once applied, a shop stays so). */
      const appliedShops = new Set<string>();
      const ledger = faultLedger("kafka-restart-allinone");
      ledger.set({ faultsPlanned: 1 });
      // A shop's events are four after-sales, each requested, ruled against the merchant and completed
      // (test/src/breach.ts). The read API shows all twelve applied when merchant_dispute_rate counts 4
      // disputes (rulings and completions) and refund_only_completion_hours 4 completed refunds (requests).
      // "limited": the token's rate limit answered 429; the caller stops this round and polls again later.
      const isApplied = async (shopId: string): Promise<boolean | "limited"> => {
        if (appliedShops.has(shopId)) return true;
        const res = await fetch(`${base}/v1/shops/kuaishou/${shopId}/metrics`, { headers: auth, signal: AbortSignal.timeout(10_000) });
        if (res.status === 429) {
          await res.text();
          return "limited";
        }
        type Out = { numerator?: number; denominator?: number };
        const body = res.status === 200 ? ((await res.json()) as { metrics: Record<string, Out> }) : (await res.text(), undefined);
        const m = body?.metrics;
        if (m?.[DISPUTE_METRIC]?.numerator === DISPUTE_AFTERSALES && m["refund_only_completion_hours"]?.denominator === DISPUTE_AFTERSALES)
          appliedShops.add(shopId);
        return appliedShops.has(shopId);
      };
      /** One polling round over `shops`: true once all are applied. */
      const allApplied = async (shops: Iterable<string>) => {
        for (const shopId of shops) if ((await isApplied(shopId)) !== true) return false;
        return true;
      };
      try {
        await pollUntil(async () => (await readyz()) === 200, { timeoutMs: 180_000, intervalMs: 500, message: "all-in-one ready" });

        // One shop per request: four refunds ruled against the merchant → critical, at any hour (test/src/breach.ts).
        const t = Date.now();
        const post = async () => {
          const shopId = `s${posted++}`;
          const sentAt = Date.now();
          const res = await fetch(`${base}/v1/events`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(disputeBreach(shopId, t, `${run}-${shopId}`)),
            signal: AbortSignal.timeout(60_000),
          }).catch(() => undefined);
          if (res?.status === 202) {
            acked.add(shopId);
            ledger.set({ eventsAcknowledged: DISPUTE_AFTERSALES * DISPUTE_FACTS_PER_AFTERSALE * acked.size, alertsExpected: acked.size });
          }
          answers.push({
            shopId,
            status: res?.status ?? "error",
            retryAfter: res?.headers.get("retry-after") ?? null,
            sentAt,
            doneAt: Date.now(),
          });
          await res?.text();
        };
        let loading = true;
        const load = (async () => {
          while (loading && posted < 2000) {
            await post();
            await new Promise((r) => setTimeout(r, 100));
          }
        })();

        await pollUntil(() => acked.size >= 10, { timeoutMs: 60_000, message: "load under way" });
        // The pipeline works on this broker before the fault: the first acknowledged shops are applied.
        const first = [...acked].slice(0, 5);
        await pollUntil(() => allApplied(first), {
          timeoutMs: 120_000,
          intervalMs: 500,
          message: "the first acknowledged events applied before the fault",
        });
        const ackedBefore = acked.size;
        await broker.kill("SIGKILL");
        faults++;
        ledger.set({ faultsInjected: faults });
        const downAt = Date.now();
        const killedAt = posted;
        await pollUntil(async () => (await readyz()) === 503, {
          timeoutMs: 60_000,
          intervalMs: 250,
          message: "/readyz 503 during the outage",
        });
        // Keep the load on through the outage.
        await pollUntil(() => posted >= killedAt + 3, { timeoutMs: 60_000, message: "requests during the outage" });
        const left = OUTAGE_MS - (Date.now() - downAt);
        if (left > 0) await new Promise((r) => setTimeout(r, left));
        ledger.set({ crashes: svc.exitedOnItsOwn ? 1 : 0 });
        expect(svc.exitedOnItsOwn).toBe(false);
        const restartAt = Date.now();
        await broker.restart();
        const upAt = Date.now();
        await pollUntil(async () => (await readyz()) === 200, {
          timeoutMs: 180_000,
          intervalMs: 500,
          message: "/readyz 200 after the restart",
        });
        const readyAfterMs = Date.now() - upAt;
        // Intake works again: acknowledgements of requests sent after the restart, not only before the kill.
        const ackedSinceRestart = () => answers.filter((a) => a.status === 202 && a.sentAt >= restartAt).length;
        await pollUntil(() => ackedSinceRestart() >= 10, { timeoutMs: 180_000, intervalMs: 250, message: "202 again after the restart" });
        loading = false;
        await load;

        // The counts first, each awaited as long as it may take, so the summary shows a shortfall even when an
        // assertion below fails.
        const applyDone = await pollUntil(() => allApplied(acked), { timeoutMs: 180_000, intervalMs: 2000 }).then(
          () => true,
          () => false,
        );
        const applied = DISPUTE_AFTERSALES * DISPUTE_FACTS_PER_AFTERSALE * [...acked].filter((s) => appliedShops.has(s)).length;
        ledger.set({ eventsApplied: applied });
        const delivered = () =>
          new Set(
            hook.bodies.flatMap((b) => b.alerts.filter((a) => a.status === "firing").map((a) => a.labels.shop!.slice("kuaishou:".length))),
          );
        await pollUntil(() => [...acked].every((s) => delivered().has(s)), { timeoutMs: 180_000, intervalMs: 500 }).catch(() => undefined);
        ledger.set({ alertsDelivered: [...acked].filter((s) => delivered().has(s)).length, crashes: svc.exitedOnItsOwn ? 1 : 0 });

        // While the broker was certainly dead (sent after the kill finished, answered before the restart began)
        // every answer is 503 with Retry-After: nothing can have been acknowledged.
        const during = answers.filter((a) => a.sentAt >= downAt && a.doneAt <= restartAt);
        expect(during.length).toBeGreaterThan(0);
        for (const a of during) {
          expect(a.status, `POST for ${a.shopId} while the broker was down`).toBe(503);
          expect(Number(a.retryAfter)).toBeGreaterThan(0);
        }
        // Every answer at all was a 202 or a 503: no 500, no dropped connection.
        for (const a of answers) expect([202, 503], `POST for ${a.shopId}`).toContain(a.status);
        const ackedAfter = ackedSinceRestart();
        expect(ackedBefore).toBeGreaterThanOrEqual(10);
        expect(ackedAfter).toBeGreaterThanOrEqual(10);

        if (!applyDone) {
          // Say which acknowledged shops are missing, and when they were answered, to tell the phases apart.
          const missing = answers
            .filter((a) => a.status === 202 && !appliedShops.has(a.shopId))
            .map((a) => `${a.shopId} (sent ${a.sentAt - downAt} ms after the kill; restart began at ${restartAt - downAt} ms)`);
          expect.fail(
            `every acknowledged event applied: ${appliedShops.size} of ${acked.size} acknowledged shops applied; missing: ${missing.join(", ")}`,
          );
        }
        // And the processor consumed the whole topic after the restart: its group's committed offsets reach the
        // end of every partition of sg.events (which holds every acknowledged event, and maybe some refused ones
        // whose produce landed after its 503).
        const events = topicNames(`${run}.`).events;
        const admin = createKafka({ brokers: broker.brokers, clientId: `${run}-check`, logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        try {
          await pollUntil(
            async () => {
              const ends = await admin.fetchTopicOffsets(events);
              const [committed] = await admin.fetchOffsets({ groupId: `${run}.sg-processor`, topics: [events] });
              const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
              return ends.every((e) => at.get(e.partition) === Number(e.high));
            },
            { timeoutMs: 120_000, intervalMs: 1000, message: "the all-in-one's processor group committed up to the end of sg.events" },
          );
        } finally {
          await admin.disconnect();
        }
        expect(ledger.counts.alertsDelivered, "an alert delivered for every acknowledged shop").toBe(acked.size);
        expect(svc.exitedOnItsOwn).toBe(false);
        expect(readyAfterMs).toBeLessThan(180_000);
        // A 503 says "not acknowledged", not "never stored": a produce that timed out may still land later.
        const lateShops = [...delivered()].filter((s) => !acked.has(s)).length;
        process.stderr.write(
          `kafka-restart: ${answers.length} POSTs, ${acked.size} acknowledged (${ackedBefore} before the kill, ${ackedAfter} after the restart), ` +
            `${during.length} answered 503 while down, ${lateShops} refused shops applied late, /readyz 200 ${readyAfterMs} ms after the broker answered\n`,
        );
        ledger.finish();
      } finally {
        const code = await svc.kill("SIGINT");
        await hook.close();
        await broker.stop();
        if (process.env.FAULT_LOG) process.stderr.write(svc.output());
        expect(code).toBe(0);
      }
    },
  );
});
