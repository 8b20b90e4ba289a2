import { describe, expect, it } from "vitest";
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
    expect(k.deliveries()).toBe("sg:notifier:deliveries");
    expect(k.failures()).toBe("sg:notifier:failures");
  });

  it("does not collide with the processor's shop keys", () => {
    // The processor keeps `sg:{platform:shop}:alerts`; the notifier's registry is a different key in the same slot.
    expect(createKeys("sg").shopAlerts({ platform: "douyin", shopId: "x" })).not.toBe("sg:{douyin:x}:alerts");
  });
});
