// The Redis Cluster slot of a key (CRC16/XMODEM of the key, or of its `{hash tag}`, mod 16384), as in
// the cluster specification. Used to group commands by node; ioredis keeps its own copy private.

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const b of data) crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ b) & 0xff]!) & 0xffff;
  return crc;
}

/** The part of the key that is hashed: the content of the first non-empty `{…}`, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf("{");
  if (open < 0) return key;
  const close = key.indexOf("}", open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

export const SLOTS = 16384;

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key), "utf8")) % SLOTS;
}

/** Hash tags found so far, by slot (filled on demand: a few thousand CRCs the first time a slot is asked). */
const tagOfSlot = new Map<number, string>();
let nextCandidate = 0;

/** A hash tag whose keys fall in `slot`: `{tag}` addresses one chosen node of a cluster (its first slot, say). */
export function hashTagForSlot(slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOTS) throw new RangeError(`no slot ${slot} (0…${SLOTS - 1})`);
  for (;;) {
    const found = tagOfSlot.get(slot);
    if (found !== undefined) return found;
    const tag = (nextCandidate++).toString(36);
    const s = keySlot(tag);
    if (!tagOfSlot.has(s)) tagOfSlot.set(s, tag);
  }
}
