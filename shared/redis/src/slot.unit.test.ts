import { describe, expect, it } from "vitest";
import { crc16, hashTagForSlot, hashTagOf, keySlot, SLOTS } from "./slot.js";

// Reference values from the Redis Cluster specification and `CLUSTER KEYSLOT` on redis-server 7.
describe("keySlot", () => {
  it("is CRC16/XMODEM mod 16384", () => {
    expect(crc16(Buffer.from("123456789"))).toBe(0x31c3);
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("bar")).toBe(5061);
    expect(keySlot("")).toBe(0);
  });

  it("hashes only the first non-empty hash tag", () => {
    expect(hashTagOf("sg:{kuaishou:s1}:log")).toBe("kuaishou:s1");
    expect(keySlot("sg:{kuaishou:s1}:log")).toBe(keySlot("other:{kuaishou:s1}:ids"));
    expect(hashTagOf("a{}b{c}")).toBe("a{}b{c}");
    expect(hashTagOf("a{b")).toBe("a{b");
    expect(keySlot("{user1000}.following")).toBe(keySlot("{user1000}.followers"));
  });
});

describe("hashTagForSlot", () => {
  it("gives a tag whose keys fall in the slot asked for, for every slot", () => {
    for (let slot = 0; slot < SLOTS; slot++) expect(keySlot(`probe:{${hashTagForSlot(slot)}}`)).toBe(slot);
    expect(() => hashTagForSlot(SLOTS)).toThrow(RangeError);
  });
});
