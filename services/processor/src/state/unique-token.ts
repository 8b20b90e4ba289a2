import { randomBytes } from "node:crypto";

/** This process's random part of every token (8 base64url characters: 48 random bits). */
const PROCESS_PART = randomBytes(6).toString("base64url");
let seq = 0;

/**
 * A string no other call of any process returns (with overwhelming probability): this process's random part
 * and a counter. Stamps of the shop's aggregates are made of these (readAggregates.lua), so a stamp never
 * names two contents, whatever restarts, expiries or restores happened.
 */
export function uniqueToken(): string {
  seq++;
  return `${PROCESS_PART}${seq.toString(36)}`;
}
