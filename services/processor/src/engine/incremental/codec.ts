import type { AftersaleRec, AftersaleSummary, ConsumerRec, EntityRec, MessageKind, OrderRec } from "./records.js";

/**
 * The stored form of an entity record (architecture.md "Bounded state, bounded work"): a compact text, not
 * JSON, because a shop keeps one per order, after-sale and consumer for a month and the memory budget is 300 B
 * per order or after-sale and 150 B per conversation-day, Redis overhead included.
 *
 *   ~<orderId>;<calcAt>;<base>;<field>;<field>…
 *
 * - `orderId`: the order an after-sale's request names (empty otherwise). It leads so that loadEntities.lua
 *   can find an after-sale's order without a separate link hash.
 * - `calcAt`: when the record's contribution was last computed, as a signed base-36 offset from the base.
 * - `base`: the smallest time the record holds, absolute, base 36; every other time is a base-36 offset
 *   from it, so a time costs 2–6 characters instead of 13.
 * - a field is a one-letter tag and its value; lists separate items with `|`, tuples members with `,`.
 *   Strings are escaped (`%`, `,`, `;`, `|` as %XX), absent optional times are empty.
 */
export interface StoredRecord {
  rec: EntityRec;
  calcAt: number;
  /** The record's body (encodeBody), when known: read with the record, or computed by the engine. */
  body?: string;
}

const esc = (s: string) => (/[%,;|]/.test(s) ? s.replace(/[%,;|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : s);
const unesc = (s: string) => (s.includes("%") ? s.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s);
const b36 = (n: number) => n.toString(36);
const un36 = (s: string) => parseInt(s, 36);

/** Writes times relative to one base. */
class TimeWriter {
  constructor(readonly base: number) {}
  t(ms: number): string {
    return b36(ms - this.base);
  }
  /** An optional time (-1: none). */
  opt(ms: number): string {
    return ms === -1 ? "" : this.t(ms);
  }
}

class TimeReader {
  constructor(readonly base: number) {}
  t(s: string): number {
    return this.base + un36(s);
  }
  opt(s: string): number {
    return s === "" ? -1 : this.t(s);
  }
}

const bit = (s: string) => (s === "1" ? 1 : 0);

// ---------- the smallest time of a record (its base) ----------

function orderBase(o: OrderRec): number {
  let b = Infinity;
  if (o.p) {
    b = o.p[0];
    if (o.p[3] !== -1 && o.p[3] < b) b = o.p[3];
  }
  if (o.c !== undefined && o.c < b) b = o.c;
  if (o.s !== undefined && o.s < b) b = o.s;
  if (o.k !== undefined && o.k < b) b = o.k;
  if (o.l !== undefined && o.l < b) b = o.l;
  if (o.g !== undefined && o.g < b) b = o.g;
  if (o.fs !== undefined && o.fs < b) b = o.fs;
  if (o.fo !== undefined && o.fo < b) b = o.fo;
  if (o.q !== undefined && o.q < b) b = o.q;
  if (o.r && o.r[0] < b) b = o.r[0];
  if (o.w) {
    if (o.w[0] < b) b = o.w[0];
    if (o.w[2] < b) b = o.w[2];
  }
  if (o.as)
    for (const id in o.as) {
      const s = o.as[id]!;
      if (s[0] < b) b = s[0];
      if (s[9] !== -1 && s[9] < b) b = s[9];
    }
  return b;
}

function aftersaleBase(a: AftersaleRec): number {
  let b = a.q ? a.q[0] : Infinity;
  for (const xs of [a.a, a.ar, a.cp]) if (xs) for (const x of xs) if (x[0] < b) b = x[0];
  if (a.rs) for (const [t] of a.rs) if (t < b) b = t;
  for (const xs of [a.rd, a.pr, a.aw, a.iv, a.cn]) if (xs) for (const t of xs) if (t < b) b = t;
  return b;
}

function consumerBase(c: ConsumerRec): number {
  let b = c.ex ?? Infinity;
  if (c.t) for (const t of c.t) if (t < b) b = t;
  if (c.x) for (const t of c.x) if (t < b) b = t;
  if (c.m) for (const m of c.m) if (m[0] < b) b = m[0];
  if (c.r)
    for (const r of c.r) {
      if (r[0] < b) b = r[0];
      if (r[2] < b) b = r[2];
    }
  return b;
}

// ---------- bodies ----------

const ORDER_TIMES = ["c", "s", "k", "l", "g", "fs", "fo", "q"] as const;
/** One-letter tags of the order's single times (fs, fo: shipping feedback). */
const ORDER_TAG: Record<(typeof ORDER_TIMES)[number], string> = { c: "c", s: "s", k: "k", l: "l", g: "g", fs: "f", fo: "F", q: "q" };

function orderBody(o: OrderRec, w: TimeWriter): string[] {
  const out: string[] = [];
  if (o.p) out.push(`p${w.t(o.p[0])},${esc(o.p[1])},${o.p[2]},${w.opt(o.p[3])}`);
  for (const f of ORDER_TIMES) if (o[f] !== undefined) out.push(`${ORDER_TAG[f]}${w.t(o[f])}`);
  // A review's score follows its rating only when it has one, so a record without scores keeps its old form.
  if (o.r) out.push(`r${w.t(o.r[0])},${esc(o.r[1])},${esc(o.r[2])}${o.r[3] > 0 ? `,${o.r[3]}` : ""}`);
  if (o.w) out.push(`w${w.t(o.w[0])},${esc(o.w[1])},${w.t(o.w[2])}`);
  if (o.as) {
    const items = Object.entries(o.as).map(
      ([id, s]) =>
        `${esc(id)},${w.t(s[0])},${esc(s[1])},${esc(s[2])},${esc(s[3])},${s[4]},${s[5]},${s[6]},${esc(s[7])},${esc(s[8])},${w.opt(s[9])},${s[10]}${refundedTail(s)}`,
    );
    out.push(`a${items.join("|")}`);
  }
  return out;
}

function readOrder(fields: string[], r: TimeReader): OrderRec {
  const o: OrderRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "p") {
      const [at, id, flags, promised] = v.split(",");
      o.p = [r.t(at!), unesc(id!), Number(flags), r.opt(promised!)];
    } else if (tag === "r") {
      const [at, id, rating, score] = v.split(",");
      o.r = [r.t(at!), unesc(id!), unesc(rating!), score === undefined ? 0 : Number(score)];
    } else if (tag === "w") {
      const [at, id, promised] = v.split(",");
      o.w = [r.t(at!), unesc(id!), r.t(promised!)];
    } else if (tag === "a") {
      const as: Record<string, AftersaleSummary> = {};
      for (const item of v.split("|")) {
        const x = item.split(",");
        as[unesc(x[0]!)] = [
          r.t(x[1]!),
          unesc(x[2]!),
          unesc(x[3]!),
          unesc(x[4]!),
          bit(x[5]!),
          bit(x[6]!),
          bit(x[7]!),
          unesc(x[8]!),
          unesc(x[9]!),
          r.opt(x[10]!),
          bit(x[11]!),
          refundedOf(x[12]),
        ];
      }
      o.as = as;
    } else {
      const name = ORDER_TIMES.find((n) => ORDER_TAG[n] === tag);
      if (name === undefined) throw new Error(`unknown order field ${tag}`);
      o[name] = r.t(v);
    }
  }
  return o;
}

const AS_TIMES = ["rd", "pr", "aw", "iv", "cn"] as const;
const AS_TIME_TAG: Record<(typeof AS_TIMES)[number], string> = { rd: "d", pr: "p", aw: "w", iv: "i", cn: "n" };
/** Returned goods signed: (time, id) pairs. */
const RETURN_SIGNED_TAG = "S";
const AS_TRIPLES = ["a", "ar", "cp"] as const;
const AS_TRIPLE_TAG: Record<(typeof AS_TRIPLES)[number], string> = { a: "a", ar: "r", cp: "c" };

function aftersaleBody(a: AftersaleRec, w: TimeWriter): string[] {
  const out: string[] = [];
  if (a.q) out.push(`q${w.t(a.q[0])},${esc(a.q[1])},${esc(a.q[3])},${esc(a.q[4])},${a.q[5]},${a.q[6]}`);
  for (const f of AS_TRIPLES) {
    const xs = a[f];
    if (xs) out.push(`${AS_TRIPLE_TAG[f]}${xs.map(([at, id, v]) => `${w.t(at)},${esc(id)},${esc(v)}`).join("|")}`);
  }
  if (a.rs) out.push(`${RETURN_SIGNED_TAG}${a.rs.map(([at, id]) => `${w.t(at)},${esc(id)}`).join("|")}`);
  for (const f of AS_TIMES) {
    const xs = a[f];
    if (xs) out.push(`${AS_TIME_TAG[f]}${xs.map((t) => w.t(t)).join("|")}`);
  }
  return out;
}

function readAftersale(fields: string[], r: TimeReader, orderId: string): AftersaleRec {
  const a: AftersaleRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "q") {
      const [at, id, kind, reason, afterShipment, overdue] = v.split(",");
      a.q = [r.t(at!), unesc(id!), orderId, unesc(kind!), unesc(reason!), bit(afterShipment!), bit(overdue!)];
      continue;
    }
    const triple = AS_TRIPLES.find((n) => AS_TRIPLE_TAG[n] === tag);
    if (triple !== undefined) {
      a[triple] = v.split("|").map((item) => {
        const [at, id, value] = item.split(",");
        return [r.t(at!), unesc(id!), unesc(value!)];
      });
      continue;
    }
    if (tag === RETURN_SIGNED_TAG) {
      a.rs = v.split("|").map((item) => {
        const [at, id] = item.split(",");
        return [r.t(at!), unesc(id!)];
      });
      continue;
    }
    const times = AS_TIMES.find((n) => AS_TIME_TAG[n] === tag);
    if (times === undefined) throw new Error(`unknown after-sale field ${tag}`);
    a[times] = v.split("|").map((t) => r.t(t));
  }
  return a;
}

function consumerBody(c: ConsumerRec, w: TimeWriter): string[] {
  const out: string[] = [];
  if (c.t) out.push(`t${c.t.map((t) => w.t(t)).join("|")}`);
  if (c.x) out.push(`x${c.x.map((t) => w.t(t)).join("|")}`);
  // Messages: the kind letter follows the time after a `.` (base 36 uses every letter).
  if (c.m) out.push(`m${c.m.map(([t, k]) => `${w.t(t)}.${k}`).join("|")}`);
  if (c.r)
    out.push(`r${c.r.map(([at, id, card, rating, robot]) => `${w.t(at)},${esc(id)},${w.t(card)},${esc(rating)},${robot}`).join("|")}`);
  if (c.ex !== undefined) out.push(`e${w.t(c.ex)}`);
  return out;
}

function readConsumer(fields: string[], r: TimeReader): ConsumerRec {
  const c: ConsumerRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "t") c.t = v.split("|").map((t) => r.t(t));
    else if (tag === "x") c.x = v.split("|").map((t) => r.t(t));
    else if (tag === "m")
      c.m = v.split("|").map((item) => {
        const dot = item.indexOf(".");
        return [r.t(item.slice(0, dot)), item.slice(dot + 1) as MessageKind];
      });
    else if (tag === "r")
      c.r = v.split("|").map((item) => {
        const [at, id, card, rating, robot] = item.split(",");
        return [r.t(at!), unesc(id!), r.t(card!), unesc(rating!), bit(robot!)];
      });
    else if (tag === "e") c.ex = r.t(v);
    else throw new Error(`unknown consumer field ${tag}`);
  }
  return c;
}

// ---------- records ----------

/**
 * The part of the stored form that depends on the record only, not on calcAt: `<orderId>;<base>;fields`.
 * Two records hold the same facts exactly when their bodies are equal, so the engine compares bodies to
 * find what an event changed, and stores the body it computed.
 */
export function encodeBody(key: string, rec: EntityRec): string {
  const kind = key[0];
  let base =
    kind === "o" ? orderBase(rec as OrderRec) : kind === "a" ? aftersaleBase(rec as AftersaleRec) : consumerBase(rec as ConsumerRec);
  if (base === Infinity) base = 0;
  const w = new TimeWriter(base);
  const fields =
    kind === "o"
      ? orderBody(rec as OrderRec, w)
      : kind === "a"
        ? aftersaleBody(rec as AftersaleRec, w)
        : consumerBody(rec as ConsumerRec, w);
  const orderId = kind === "a" ? ((rec as AftersaleRec).q?.[2] ?? "") : "";
  return `${esc(orderId)};${b36(base)}${fields.map((f) => `;${f}`).join("")}`;
}

/** `~<orderId>;<calcAt − base>;<base>;fields`: the body with calcAt inserted after the order id. */
export function encodeStoredBody(body: string, calcAt: number): string {
  const a = body.indexOf(";");
  const b = body.indexOf(";", a + 1);
  const base = un36(b === -1 ? body.slice(a + 1) : body.slice(a + 1, b));
  return `~${body.slice(0, a)};${b36(calcAt - base)}${body.slice(a)}`;
}

export function encodeStored(key: string, s: { rec: EntityRec; calcAt: number }): string {
  return encodeStoredBody(encodeBody(key, s.rec), s.calcAt);
}

/** Reads a stored record, with its body. */
export function decodeStored(key: string, value: string): StoredRecord {
  if (value[0] !== "~") throw new Error(`record ${key}: unknown stored form`);
  const parts = value.slice(1).split(";");
  const orderId = unesc(parts[0]!);
  const base = un36(parts[2]!);
  const calcAt = base + un36(parts[1]!);
  const r = new TimeReader(base);
  const fields = parts.slice(3);
  const kind = key[0];
  const rec = kind === "o" ? readOrder(fields, r) : kind === "a" ? readAftersale(fields, r, orderId) : readConsumer(fields, r);
  const a = value.indexOf(";");
  const b = value.indexOf(";", a + 1);
  return { calcAt, rec, body: `${value.slice(1, a)}${value.slice(b)}` };
}

// A summary's refund flag (refund_duration_mean) is written only when set, so records without one keep their form.
function refundedTail(s: AftersaleSummary): string {
  return s[11] === 1 ? ",1" : "";
}

function refundedOf(v: string | undefined): 0 | 1 {
  return v === "1" ? 1 : 0;
}
