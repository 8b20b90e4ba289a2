import { describe, expect, it } from "vitest";
import { keySlot } from "@sg/redis";
import { createKeys } from "./keys.js";

describe("notifier keys", () => {
  it("pins the exact key strings and their hash tags", () => {
    const k = createKeys("sg");
    expect(k.group("r0|shop=kuaishou%3As1")).toBe("sg:notifier:{g:r0|shop=kuaishou%3As1}:state");
    expect(k.due()).toBe("sg:notifier:{due}:groups");
    expect(k.pending("ops-dingtalk")).toBe("sg:notifier:{rcv:ops-dingtalk}:pending");
    expect(k.bucket("ops-dingtalk")).toBe("sg:notifier:{rcv:ops-dingtalk}:bucket");
    expect(k.lock("ops-dingtalk")).toBe("sg:notifier:{rcv:ops-dingtalk}:lock");
    expect(k.shopAlerts({ platform: "kuaishou", shopId: "s1" })).toBe("sg:{kuaishou:s1}:notifier:alerts");
    expect(k.deliveries()).toBe("sg:notifier:{deliveries}:status");
    expect(k.failures()).toBe("sg:notifier:{deliveries}:failures");
  });

  it("puts the keys one MULTI or script touches in one cluster slot", () => {
    const k = createKeys("sg");
    // delivery-status.ts: a failure writes both in one MULTI.
    expect(keySlot(k.failures())).toBe(keySlot(k.deliveries()));
    // A receiver's lease, bucket and pending set; a shop's registry beside the processor's shop state.
    expect(new Set([k.pending("r"), k.bucket("r"), k.lock("r")].map(keySlot)).size).toBe(1);
    expect(keySlot(k.shopAlerts({ platform: "douyin", shopId: "x" }))).toBe(keySlot("sg:{douyin:x}:log"));
    // Groups spread over slots (and so over nodes), not all onto one.
    const slots = new Set(Array.from({ length: 50 }, (_, i) => keySlot(k.group(`r0|shop=douyin%3As${i}`))));
    expect(slots.size).toBeGreaterThan(40);
  });

  it("does not collide with the processor's shop keys", () => {
    // The processor keeps `sg:{platform:shop}:alerts`; the notifier's registry is a different key in the same slot.
    expect(createKeys("sg").shopAlerts({ platform: "douyin", shopId: "x" })).not.toBe("sg:{douyin:x}:alerts");
  });
});
