import { describe, expect, it } from "vitest";
import { pollUntil } from "@sg/test";
import { createSnapshotReader } from "./publish/snapshot-reader.js";
import { testPipeline } from "./testing/test-processor.js";

/**
 * The score events (docs/scores.md "Bonuses and deductions as events") through the real pipeline for a
 * contract-v1 shop (no pack chosen: douyin@2023-06 reads neither bonuses nor deductions): every valid one is
 * applied, never dead-lettered, and changes no number. Shop `with` gets the same facts as shop `without`
 * plus score events, some naming bonuses and parts no pack declares; one invalid event is refused naming its field.
 */
describe("score events for a contract-v1 shop", () => {
  it("applies them without dead letters and ignores them", { timeout: 90_000 }, async () => {
    const now = Date.parse("2026-11-18T12:00:00+08:00");
    const at = (h: number) => now - h * 3_600_000;
    const facts = (shopId: string) => [
      { id: `${shopId}-p1`, type: "order.paid", at: at(30), orderId: "A1" },
      { id: `${shopId}-k1`, type: "logistics.picked_up", at: at(3), orderId: "A1" },
      { id: `${shopId}-r1`, type: "review.posted", at: at(2), orderId: "A1", rating: "bad" },
    ];
    const score = [
      { id: "s1", type: "score.bonus_granted", at: at(5), grantId: "G1", bonus: "freight_insurance", validFrom: at(5) },
      { id: "s2", type: "score.bonus_granted", at: at(5), grantId: "G2", bonus: "not_a_bonus", validFrom: at(5), share: 0.3 },
      { id: "s3", type: "score.bonus_revoked", at: at(1), grantId: "G1" },
      { id: "s4", type: "score.deducted", at: at(4), violationId: "V1", part: "fake_trades", points: 4 },
      { id: "s5", type: "score.deducted", at: at(4), violationId: "V2", part: "not_a_part", points: 2.5 },
      { id: "s6", type: "score.deduction_revoked", at: at(1), violationId: "V1" },
      { id: "s7", type: "score.deduction_revoked", at: at(1), violationId: "NOT-YET" },
    ];
    const record = (shopId: string, e: Record<string, unknown>) => ({
      key: `douyin:${shopId}`,
      value: JSON.stringify({ platform: "douyin", shopId, ...e }),
    });
    const records = [
      ...facts("without").map((e) => record("without", e)),
      ...score.slice(0, 3).map((e) => record("with", e)),
      ...facts("with").map((e) => record("with", e)),
      ...score.slice(3).map((e) => record("with", e)),
      // The one invalid score event: negative points, refused naming the field.
      record("with", { id: "bad", type: "score.deducted", at: at(1), violationId: "V9", part: "fake_trades", points: -3 }),
    ];

    const pipe = await testPipeline("scoreevents");
    await pipe.sendRecords(records);
    try {
      const p = await pipe.startTestProcessor({ clock: () => now, tickMs: 0 });
      const { records: dead } = await pipe.readDeadLetters();
      const snapshots = createSnapshotReader({ redis: pipe.redis, keyPrefix: pipe.run, config: {} });
      const both = async () => Promise.all([snapshots.shop("douyin", "with", now), snapshots.shop("douyin", "without", now)]);
      // Everything handled, the one dead letter out, and both shops' snapshots written.
      await pollUntil(async () => p.handled >= records.length && dead.length >= 1 && (await both()).every((x) => x !== null), {
        timeoutMs: 60_000,
        message: "records handled, the invalid one dead-lettered, both snapshots",
      });
      expect(dead.map((d) => d.reason)).toEqual([expect.stringContaining("points")]);
      const [withScore, without] = (await both()) as [
        NonNullable<Awaited<ReturnType<typeof snapshots.shop>>>,
        NonNullable<Awaited<ReturnType<typeof snapshots.shop>>>,
      ];
      expect(withScore.rulePack).toBe("douyin@2023-06");
      // The facts count (an order picked up 27 h after payment: late), and nothing else differs.
      expect(withScore.metrics.pickup_24h_rate).toMatchObject({ numerator: 0, denominator: 1 });
      expect(withScore.metrics).toEqual(without.metrics);
      expect(withScore.alerts).toEqual(without.alerts);
      // The same score but for the shop key the missing industry names.
      const named = (x: unknown, shopId: string) => JSON.stringify(x).replaceAll(`douyin:${shopId}`, "douyin:<shop>");
      expect(named(withScore.scores, "with")).toEqual(named(without.scores, "without"));
      expect(withScore.scores).toMatchObject({ bonuses: 0, deductions: 0 });
      expect(withScore.scores?.adjustments).toBeUndefined();
    } finally {
      await pipe.close();
    }
  });
});
