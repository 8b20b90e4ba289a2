export { createKeys, type Keys, type ShopRef } from "./keys.js";
export { EntityStore, packInForce, type ShopEvents } from "./entity-store.js";
export { decodeStored, encodeStored } from "../engine/incremental/codec.js";
export type { AftersaleRec, ConsumerRec, OrderRec } from "../engine/incremental/records.js";
