import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { firstSeen, fingerprint, FINGERPRINT_BYTES } from "./seen-ids.js";
import type { CanonicalEvent } from "@sg/events";

/** The fingerprint as first defined (a Hash object per id): the reference the one-shot form must equal. */
const reference = (id: string) => createHash("sha256").update(id).digest().subarray(0, FINGERPRINT_BYTES).toString("latin1");

function randomId(rnd: () => number): string {
  const alphabet = ["a", "Z", "0", "9", "-", ":", "_", "é", "订", "单", "😀", " ", "\u0000"];
  const n = Math.floor(rnd() * 90);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)]!;
  return s;
}

describe("seen-id fingerprints", () => {
  it("equal the Hash-object reference on random ids (ASCII, CJK, astral, empty, past one SHA-256 block)", () => {
    let x = 12345;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const id = randomId(rnd);
      expect(fingerprint(id)).toBe(reference(id));
    }
    expect(fingerprint("")).toBe(reference(""));
    expect(fingerprint("x".repeat(1000))).toBe(reference("x".repeat(1000)));
    expect(fingerprint("m1abc")).toHaveLength(FINGERPRINT_BYTES);
  });

  it("firstSeen gives the same answer with the load's fingerprints as without them", () => {
    const ev = (id: string) => ({ event: { id } as CanonicalEvent });
    const events = ["a", "b", "a", "c", "d", "b"].map(ev);
    const seen = new Set([fingerprint("c")]);
    const known = new Map(["a", "b", "c", "d"].map((id) => [id, fingerprint(id)]));
    const plain = firstSeen(events, seen);
    const given = firstSeen(events, seen, known);
    expect([...given]).toEqual([...plain]);
    expect([...plain.keys()]).toEqual([events[0], events[1], events[4]]);
  });
});
