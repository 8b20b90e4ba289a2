// A group whose group_wait is 0 goes out when its alert arrives, not at the ticker's next pass. The ticker
// is set to 2 minutes here, so a delivery within 30 s of the record cannot have come from a tick (the first
// one is 2 minutes after the start).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdsFor, pollUntil } from "../../../test/src/index.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/robots/index.js";
import type { Notifier } from "./notifier.js";
import { alert, startHarness, type Harness } from "../testing/harness.js";

const TICK_MS = 120_000;
const ZERO = { groupWait: "0s", groupInterval: "2s", repeatInterval: "1h", resolveAfter: "1s" } as const;
const ONE_SECOND = { ...ZERO, groupWait: "1s" } as const;

describe("notifier, group_wait 0", () => {
  let h: Harness;
  let notifier: Notifier;
  let hook: WebhookReceiver;
  let startedAt: number;
  const bodiesOf = (shop: string) => hook.bodies.filter((b) => b.groupLabels.shop === `kuaishou:${shop}`);

  beforeAll(async () => {
    h = await startHarness();
    hook = await startWebhookReceiver();
    startedAt = Date.now();
    notifier = await h.notifier(
      {
        receivers: { hook: { type: "webhook", url: hook.url } },
        routes: [
          { match: { shop: ["zero", "zsil", "zctl"] }, receivers: ["hook"], ...ZERO },
          { match: { shop: ["waits"] }, receivers: ["hook"], ...ONE_SECOND },
        ],
      },
      { tickMs: TICK_MS, mergeWaitMs: 1_000 },
    );
    await pollUntil(() => notifier.ready(), { timeoutMs: 60_000, message: "notifier joined its consumer group" });
  });

  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });

  it("sends a group_wait-0 alert on arrival, long before the ticker's pass; a group that waits still waits for a pass", async () => {
    // group_wait 1 s: due a second after arrival, but nothing looks before the next pass.
    await h.publish([alert({ shopId: "waits" })]);
    await holdsFor(() => bodiesOf("waits").length === 0, { forMs: 5_000, message: "the 1 s group waits for a pass" });

    const record = alert({ shopId: "zero", value: 0.61 });
    const sentAt = Date.now();
    await h.publish([record]);
    await pollUntil(() => bodiesOf("zero").length === 1, { timeoutMs: 30_000, message: "the group_wait-0 alert delivered" });
    const deliveredAt = Date.now();
    // No ticker pass could have sent it: the first one is TICK_MS after the start.
    expect(deliveredAt).toBeLessThan(startedAt + TICK_MS);
    expect(deliveredAt - sentAt).toBeLessThan(TICK_MS / 4);
    expect(bodiesOf("zero")[0]!.alerts.map((a) => a.status)).toEqual(["firing"]);
    // That pass ran every group due by then, the 1 s group among them: passes are the ticker's, only sooner.
    await pollUntil(() => bodiesOf("waits").length === 1, { timeoutMs: 10_000, message: "the 1 s group went out with that pass" });

    // The same record again (same seq) is a duplicate: nothing more goes out.
    await h.publish([record]);
    await holdsFor(() => bodiesOf("zero").length === 1, { forMs: 3_000, message: "a duplicate sends nothing" });
  });

  it("keeps silences: a silenced group_wait-0 alert stays held while another goes out", async () => {
    await notifier.silences.create({
      matchers: [{ name: "shop", value: "kuaishou:zsil" }],
      endsAt: Date.now() + 3_600_000,
      createdBy: "test",
    });
    await h.publish([alert({ shopId: "zsil" }), alert({ shopId: "zctl" })]);
    await pollUntil(() => bodiesOf("zctl").length === 1, { timeoutMs: 30_000, message: "the unsilenced one delivered" });
    expect(Date.now()).toBeLessThan(startedAt + TICK_MS);
    await holdsFor(() => bodiesOf("zsil").length === 0, { forMs: 2_000, message: "the silenced one held" });
  });
});
