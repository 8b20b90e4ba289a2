import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pollUntil, testInfra } from "@sg/test";
import { faultLedger } from "../../../test/src/faults/summary.js";
import { startService, type ServiceProcess } from "../../../test/src/faults/processes.js";
import { startWebhookReceiver } from "../../../test/robots/index.js";
import { createKeys } from "./keys.js";
import type { GroupState } from "./model/group.js";
import { alert, startHarness } from "../testing/harness.js";

/**
 * The notifier process SIGKILLed while it holds a group inside group_wait (no chance to clean up),
 * then started again after its group_wait ran out: the group is sent once, with what it held and what arrived
 * while no notifier ran.
 */
describe("notifier SIGKILL mid-group", () => {
  it("sends the held group exactly once after a restart", async () => {
    const { brokers, redisUrl } = testInfra();
    const h = await startHarness();
    const hook = await startWebhookReceiver();
    const dir = mkdtempSync(join(tmpdir(), "sg-nkill-"));
    const configPath = join(dir, "scoreguard.yaml");
    writeFileSync(
      configPath,
      [
        "receivers:",
        `  hook: { type: webhook, url: "${hook.url}" }`,
        "routes:",
        "  - match: { shop: [nk] }",
        "    receivers: [hook]",
        "    groupWait: 10s",
        "    groupInterval: 2s",
        "",
      ].join("\n"),
    );
    const env = {
      KAFKA_BROKERS: brokers.join(","),
      REDIS_URL: redisUrl,
      SCOREGUARD_CONFIG: configPath,
      TOPIC_PREFIX: h.topicPrefix,
      KEY_PREFIX: h.keyPrefix,
      NOTIFIER_GROUP: `${h.keyPrefix}-group`,
      NOTIFIER_PORT: "0",
      // The fastest tick allowed: the first pass after the restarted consumer's join comes before it has fetched
      // what arrived meanwhile, so a flush that does not wait for that read fails here every time, not by chance.
      NOTIFIER_TICK_MS: "10",
      LOG_LEVEL: "warn",
    };
    const ledger = faultLedger("notifier-sigkill");
    ledger.set({ faultsPlanned: 1, alertsExpected: 3 });
    let svc: ServiceProcess = startService("services/notifier/src/main.ts", env);
    let crashes = 0;
    try {
      const a = alert({ shopId: "nk", metric: "human_reply_3min_rate" });
      const b = alert({ shopId: "nk", metric: "human_good_review_rate", severity: "warning" });
      await h.publish([a, b]);
      const groupKey = createKeys(h.keyPrefix).group("r0|shop=kuaishou%3Ank");
      await pollUntil(
        async () => {
          const json = await h.redis.hget(groupKey, "state");
          return json !== null && Object.keys((JSON.parse(json) as GroupState).alerts).length === 2;
        },
        { timeoutMs: 90_000, message: "both alerts grouped in Redis" },
      ).catch((err: unknown) => {
        // What the notifier printed says why (a crash at start, a consumer that never joined).
        console.error(`notifier output:\n${svc.output().slice(-8000)}`);
        throw err;
      });
      if (svc.exitedOnItsOwn) crashes++;
      await svc.kill("SIGKILL");
      // The kill counts as planned only inside group_wait: nothing was sent yet.
      const inGroupWait = hook.bodies.length === 0;
      ledger.set({ faultsInjected: inGroupWait ? 1 : 0, crashes });
      expect(hook.bodies).toEqual([]);

      const c = alert({ shopId: "nk", metric: "pickup_24h_rate", platform: "kuaishou", value: 0.85, threshold: 0.9, target: 0.95 });
      await h.publish([c]);
      // The group's wait (10 s) runs out while no notifier runs: the restarted one must still read what
      // arrived meanwhile before it sends the group (a restart slower than the wait once sent it without c). The
      // new consumer's join also waits for the killed member's session to run out (~30 s from its last heartbeat):
      // the wait for that read counts from the join (a limit counted from the start once sent the group without c).
      await new Promise((r) => setTimeout(r, 11_000));
      svc = startService("services/notifier/src/main.ts", env);
      const body = await pollUntil(() => hook.bodies[0], { timeoutMs: 90_000 }).catch(() => {
        console.error(`notifier output:\n${svc.output().slice(-8000)}`);
        return undefined;
      });
      ledger.set({ alertsDelivered: body?.alerts.length ?? 0 });
      expect(body, "the group was sent after the restart").toBeDefined();
      expect(body!.alerts.map((x) => x.labels.metric).sort()).toEqual([
        "human_good_review_rate",
        "human_reply_3min_rate",
        "pickup_24h_rate",
      ]);
      await new Promise((r) => setTimeout(r, 3_000));
      if (svc.exitedOnItsOwn) crashes++;
      ledger.set({ crashes });
      expect(hook.bodies).toHaveLength(1);
      expect(crashes).toBe(0);
      ledger.finish();
    } finally {
      await svc.kill("SIGTERM");
      await hook.close();
      await h.close();
    }
  });
});
