import { isScoreKey, readScoreBody, scoreBody, type ScoreRec } from "./score-records.js";
import type { AftersaleRec, AftersaleSummary, ConsumerRec, EntityRec, ItemRec, MessageKind, OrderRec, Stamped } from "./records.js";
import { EXCLUSION_TAG, exclusionsBase, exclusionsBody, readExclusions } from "./exclusion-codec.js";

/**
 * The stored form of an entity record (architecture.md "Bounded state, bounded work"): a compact text, not
 * JSON, because a shop keeps one per order, after-sale and consumer for a month and the memory budget is 300 B
 * per order or after-sale and 150 B per conversation-day, Redis overhead included.
 *
 *   ~<orderId>;<calcAt>;<base>;<field>;<field>…
 *
 * - `orderId`: the order an after-sale's request names (empty otherwise). It leads so that loadEntities.lua
 *   can find an after-sale's order without a separate link hash.
 * - `calcAt`: when the record's contribution was last computed, as a signed base-36 offset from the base;
 *   followed by `@<tag>` when it was computed under a shop calendar's deadline extensions or excluded regions
 *   (the tag of that calendar, engine/calendar-items.ts `calendarTag`), so the engine can subtract exactly what
 *   it added after the calendar changes.
 * - `base`: the smallest time the record holds, absolute, base 36; every other time is a base-36 offset
 *   from it, so a time costs 2–6 characters instead of 13.
 * - a field is a one-letter tag and its value (the in-memory records have readable names; the tags, the
 *   order of fields and the members of tuples are this codec's alone); lists separate items with `|`, tuples members with `,`.
 *   Strings are escaped (`%`, `,`, `;`, `|` as %XX), absent optional times are empty.
 */
export interface StoredRecord {
  rec: EntityRec;
  calcAt: number;
  /** The record's body (encodeBody), when known: read with the record, or computed by the engine. */
  body?: string;
  /** The tag of the calendar its contribution was computed under (calendar-items.ts); absent: none. */
  cal?: string;
}

export const esc = (s: string) => (/[%,;|]/.test(s) ? s.replace(/[%,;|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : s);
export const unesc = (s: string) =>
  s.includes("%") ? s.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
const b36 = (n: number) => n.toString(36);
const un36 = (s: string) => parseInt(s, 36);

/** Writes times relative to one base. */
class TimeWriter {
  constructor(readonly base: number) {}
  t(ms: number): string {
    return b36(ms - this.base);
  }
}

class TimeReader {
  constructor(readonly base: number) {}
  t(s: string): number {
    return this.base + un36(s);
  }
}

const flag = (s: string) => s === "1";

// ---------- the smallest time of a record (its base) ----------

function orderBase(o: OrderRec): number {
  let b = Infinity;
  const at = (t: number | undefined) => {
    if (t !== undefined && t < b) b = t;
  };
  at(o.paid?.at);
  at(o.paid?.promisedShipBy);
  for (const f of ORDER_TIMES) at(o[f]);
  at(o.review?.at);
  at(o.signPromise?.at);
  at(o.signPromise?.promisedSignBy);
  if (o.aftersales)
    for (const id in o.aftersales) {
      const s = o.aftersales[id]!;
      at(s.requestedAt);
      at(s.completedAt);
    }
  return b;
}

function aftersaleBase(a: AftersaleRec): number {
  let b = a.request ? a.request.at : Infinity;
  for (const xs of [a.acts, a.arbitrations, a.completions, a.returnsSigned]) if (xs) for (const x of xs) if (x.at < b) b = x.at;
  for (const f of AS_TIMES) {
    const xs = a[f];
    if (xs) for (const t of xs) if (t < b) b = t;
  }
  return b;
}

function consumerBase(c: ConsumerRec): number {
  let b = c.excludedAt ?? Infinity;
  if (c.transfers) for (const t of c.transfers) if (t < b) b = t;
  if (c.closes) for (const t of c.closes) if (t < b) b = t;
  if (c.messages) for (const m of c.messages) if (m.at < b) b = m.at;
  if (c.ratings)
    for (const r of c.ratings) {
      if (r.at < b) b = r.at;
      if (r.cardSentAt < b) b = r.cardSentAt;
    }
  return b;
}

// ---------- bodies ----------

/** An order's single times, in the order the stored form writes them. */
const ORDER_TIMES = [
  "cancelledAt",
  "shippedAt",
  "pickedUpAt",
  "lastTrackAt",
  "signedAt",
  "slowShippingFeedbackAt",
  "otherShippingFeedbackAt",
  "complaintAt",
] as const;
/** Their one-letter tags in the stored form. */
const ORDER_TAG: Record<(typeof ORDER_TIMES)[number], string> = {
  cancelledAt: "c",
  shippedAt: "s",
  pickedUpAt: "k",
  lastTrackAt: "l",
  signedAt: "g",
  slowShippingFeedbackAt: "f",
  otherShippingFeedbackAt: "F",
  complaintAt: "q",
};

/** A flag as the stored form writes it. */
const b01 = (x: boolean) => (x ? "1" : "0");
/** An optional time or text as the stored form writes it: empty when absent. */
const optTime = (w: TimeWriter, t: number | undefined) => (t === undefined ? "" : w.t(t));
const optText = (s: string | undefined) => (s === undefined ? "" : esc(s));

/** An after-sale's summary: `id,requestedAt,requestId,kind,reason,afterShipment,overdueEntry,cancelledFirst,lastDecision,lastLiability,completedAt,intervened[,1 when refundedFirst]`. */
function summaryBody(id: string, s: AftersaleSummary, w: TimeWriter): string {
  return (
    [
      esc(id),
      w.t(s.requestedAt),
      esc(s.requestId),
      esc(s.kind),
      esc(s.reason),
      b01(s.afterShipment),
      b01(s.overdueEntry),
      b01(s.cancelledFirst),
      optText(s.lastDecision),
      optText(s.lastLiability),
      optTime(w, s.completedAt),
      b01(s.intervened),
    ].join(",") + (s.refundedFirst ? ",1" : "")
  );
}

function readSummary(x: string[], r: TimeReader): AftersaleSummary {
  const s: AftersaleSummary = {
    requestedAt: r.t(x[1]!),
    requestId: unesc(x[2]!),
    kind: unesc(x[3]!),
    reason: unesc(x[4]!),
    afterShipment: flag(x[5]!),
    overdueEntry: flag(x[6]!),
    cancelledFirst: flag(x[7]!),
    intervened: flag(x[11]!),
    // Written only when set (refund_duration_mean), so summaries without it keep their stored form.
    ...(x[12] === "1" ? { refundedFirst: true as const } : {}),
  };
  if (x[8] !== "") s.lastDecision = unesc(x[8]!);
  if (x[9] !== "") s.lastLiability = unesc(x[9]!);
  if (x[10] !== "") s.completedAt = r.t(x[10]!);
  return s;
}

function orderBody(o: OrderRec, w: TimeWriter): string[] {
  const out: string[] = [];
  if (o.paid) {
    // Regions (6 digits each) follow only when the order has one, so a record without them keeps its old form.
    const regions = o.paid.shipFrom !== undefined || o.paid.shipTo !== undefined ? `,${o.paid.shipFrom ?? ""},${o.paid.shipTo ?? ""}` : "";
    out.push(`p${w.t(o.paid.at)},${esc(o.paid.id)},${o.paid.flags},${optTime(w, o.paid.promisedShipBy)}${regions}`);
  }
  for (const f of ORDER_TIMES) {
    const t = o[f];
    if (t !== undefined) out.push(`${ORDER_TAG[f]}${w.t(t)}`);
  }
  // A review's score follows its rating only when it has one, so a record without scores keeps its old form.
  if (o.review) {
    const v = o.review;
    out.push(`r${w.t(v.at)},${esc(v.id)},${esc(v.rating)}${v.score !== undefined ? `,${v.score}` : ""}`);
  }
  if (o.signPromise) out.push(`w${w.t(o.signPromise.at)},${esc(o.signPromise.id)},${w.t(o.signPromise.promisedSignBy)}`);
  if (o.aftersales)
    out.push(
      `a${Object.entries(o.aftersales)
        .map(([id, s]) => summaryBody(id, s, w))
        .join("|")}`,
    );
  if (o.excl) out.push(exclusionsBody(o.excl, w));
  return out;
}

function readOrder(fields: string[], r: TimeReader): OrderRec {
  const o: OrderRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "p") {
      const [at, id, flags, promised, from, to] = v.split(",");
      o.paid = { at: r.t(at!), id: unesc(id!), flags: Number(flags) };
      if (promised !== "") o.paid.promisedShipBy = r.t(promised!);
      if (from) o.paid.shipFrom = from;
      if (to) o.paid.shipTo = to;
    } else if (tag === "r") {
      const [at, id, rating, score] = v.split(",");
      o.review = { at: r.t(at!), id: unesc(id!), rating: unesc(rating!) };
      if (score !== undefined) o.review.score = Number(score);
    } else if (tag === "w") {
      const [at, id, promised] = v.split(",");
      o.signPromise = { at: r.t(at!), id: unesc(id!), promisedSignBy: r.t(promised!) };
    } else if (tag === EXCLUSION_TAG) {
      o.excl = readExclusions(v, r);
    } else if (tag === "a") {
      const as: Record<string, AftersaleSummary> = {};
      for (const item of v.split("|")) {
        const x = item.split(",");
        as[unesc(x[0]!)] = readSummary(x, r);
      }
      o.aftersales = as;
    } else {
      const name = ORDER_TIMES.find((n) => ORDER_TAG[n] === tag);
      if (name === undefined) throw new Error(`unknown order field ${tag}`);
      o[name] = r.t(v);
    }
  }
  return o;
}

const AS_TIMES = ["ready", "processed", "awaitingCustomer", "intervened", "cancelled"] as const;
const AS_TIME_TAG: Record<(typeof AS_TIMES)[number], string> = {
  ready: "d",
  processed: "p",
  awaitingCustomer: "w",
  intervened: "i",
  cancelled: "n",
};
/** Returned goods signed: (time, id) pairs. */
const RETURN_SIGNED_TAG = "S";
/** Facts with a value (a decision, a liability, an outcome), written `at,id,value`, and their tags. */
const ACTS_TAG = "a";
const ARBITRATIONS_TAG = "r";
const COMPLETIONS_TAG = "c";

function valued<T extends Stamped>(tag: string, xs: T[], value: (x: T) => string, w: TimeWriter): string {
  return `${tag}${xs.map((x) => `${w.t(x.at)},${esc(x.id)},${esc(value(x))}`).join("|")}`;
}

function readValued(v: string, r: TimeReader): { at: number; id: string; value: string }[] {
  return v.split("|").map((item) => {
    const [at, id, value] = item.split(",");
    return { at: r.t(at!), id: unesc(id!), value: unesc(value!) };
  });
}

function aftersaleBody(a: AftersaleRec, w: TimeWriter): string[] {
  const out: string[] = [];
  const q = a.request;
  if (q) out.push(`q${w.t(q.at)},${esc(q.id)},${esc(q.kind)},${esc(q.reason)},${b01(q.afterShipment)},${b01(q.overdueEntry)}`);
  if (a.acts) out.push(valued(ACTS_TAG, a.acts, (x) => x.decision, w));
  if (a.arbitrations) out.push(valued(ARBITRATIONS_TAG, a.arbitrations, (x) => x.liability, w));
  if (a.completions) out.push(valued(COMPLETIONS_TAG, a.completions, (x) => x.outcome, w));
  if (a.returnsSigned) out.push(`${RETURN_SIGNED_TAG}${a.returnsSigned.map(({ at, id }) => `${w.t(at)},${esc(id)}`).join("|")}`);
  for (const f of AS_TIMES) {
    const xs = a[f];
    if (xs) out.push(`${AS_TIME_TAG[f]}${xs.map((t) => w.t(t)).join("|")}`);
  }
  if (a.excl) out.push(exclusionsBody(a.excl, w));
  return out;
}

function readAftersale(fields: string[], r: TimeReader, orderId: string): AftersaleRec {
  const a: AftersaleRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "q") {
      const [at, id, kind, reason, afterShipment, overdue] = v.split(",");
      a.request = {
        at: r.t(at!),
        id: unesc(id!),
        orderId,
        kind: unesc(kind!),
        reason: unesc(reason!),
        afterShipment: flag(afterShipment!),
        overdueEntry: flag(overdue!),
      };
      continue;
    }
    if (tag === ACTS_TAG) {
      a.acts = readValued(v, r).map(({ at, id, value }) => ({ at, id, decision: value }));
      continue;
    }
    if (tag === ARBITRATIONS_TAG) {
      a.arbitrations = readValued(v, r).map(({ at, id, value }) => ({ at, id, liability: value }));
      continue;
    }
    if (tag === COMPLETIONS_TAG) {
      a.completions = readValued(v, r).map(({ at, id, value }) => ({ at, id, outcome: value }));
      continue;
    }
    if (tag === EXCLUSION_TAG) {
      a.excl = readExclusions(v, r);
      continue;
    }
    if (tag === RETURN_SIGNED_TAG) {
      a.returnsSigned = v.split("|").map((item) => {
        const [at, id] = item.split(",");
        return { at: r.t(at!), id: unesc(id!) };
      });
      continue;
    }
    const times = AS_TIMES.find((n) => AS_TIME_TAG[n] === tag);
    if (times === undefined) throw new Error(`unknown after-sale field ${tag}`);
    a[times] = v.split("|").map((t) => r.t(t));
  }
  return a;
}

/** A message's kind as one letter after its time (`.` separates them: base 36 uses every letter). */
const KIND_TAG: Record<MessageKind, string> = { consumer: "c", reply: "r", other: "o" };
const KIND_OF: Record<string, MessageKind> = { c: "consumer", r: "reply", o: "other" };

function consumerBody(c: ConsumerRec, w: TimeWriter): string[] {
  const out: string[] = [];
  if (c.transfers) out.push(`t${c.transfers.map((t) => w.t(t)).join("|")}`);
  if (c.closes) out.push(`x${c.closes.map((t) => w.t(t)).join("|")}`);
  if (c.messages) out.push(`m${c.messages.map(({ at, kind }) => `${w.t(at)}.${KIND_TAG[kind]}`).join("|")}`);
  if (c.ratings)
    out.push(
      `r${c.ratings.map(({ at, id, cardSentAt, rating, robot }) => `${w.t(at)},${esc(id)},${w.t(cardSentAt)},${esc(rating)},${b01(robot)}`).join("|")}`,
    );
  if (c.excludedAt !== undefined) out.push(`e${w.t(c.excludedAt)}`);
  if (c.excl) out.push(exclusionsBody(c.excl, w));
  return out;
}

function readConsumer(fields: string[], r: TimeReader): ConsumerRec {
  const c: ConsumerRec = {};
  for (const f of fields) {
    const tag = f[0]!;
    const v = f.slice(1);
    if (tag === "t") c.transfers = v.split("|").map((t) => r.t(t));
    else if (tag === "x") c.closes = v.split("|").map((t) => r.t(t));
    else if (tag === "m")
      c.messages = v.split("|").map((item) => {
        const dot = item.indexOf(".");
        const kind = KIND_OF[item.slice(dot + 1)];
        if (kind === undefined) throw new Error(`unknown message kind ${item.slice(dot + 1)}`);
        return { at: r.t(item.slice(0, dot)), kind };
      });
    else if (tag === "r")
      c.ratings = v.split("|").map((item) => {
        const [at, id, card, rating, robot] = item.split(",");
        return { at: r.t(at!), id: unesc(id!), cardSentAt: r.t(card!), rating: unesc(rating!), robot: flag(robot!) };
      });
    else if (tag === "e") c.excludedAt = r.t(v);
    else if (tag === EXCLUSION_TAG) c.excl = readExclusions(v, r);
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
  // Score records (score-records.ts): base 0, their own fields.
  if (isScoreKey(key))
    return `;0${scoreBody(key, rec as ScoreRec)
      .map((f) => `;${f}`)
      .join("")}`;
  const kind = key[0];
  let base =
    kind === "o" ? orderBase(rec as OrderRec) : kind === "a" ? aftersaleBase(rec as AftersaleRec) : consumerBase(rec as ConsumerRec);
  // A record of exclusions only (their item has not arrived): its exclusions' times.
  if (base === Infinity) base = exclusionsBase((rec as ItemRec).excl) ?? 0;
  const w = new TimeWriter(base);
  const fields =
    kind === "o"
      ? orderBody(rec as OrderRec, w)
      : kind === "a"
        ? aftersaleBody(rec as AftersaleRec, w)
        : consumerBody(rec as ConsumerRec, w);
  const orderId = kind === "a" ? ((rec as AftersaleRec).request?.orderId ?? "") : "";
  return `${esc(orderId)};${b36(base)}${fields.map((f) => `;${f}`).join("")}`;
}

/** `~<orderId>;<calcAt − base>[@<calendar tag>];<base>;fields`: the body with calcAt inserted after the order id. */
export function encodeStoredBody(body: string, calcAt: number, cal?: string): string {
  const a = body.indexOf(";");
  const b = body.indexOf(";", a + 1);
  const base = un36(b === -1 ? body.slice(a + 1) : body.slice(a + 1, b));
  return `~${body.slice(0, a)};${b36(calcAt - base)}${cal ? `@${cal}` : ""}${body.slice(a)}`;
}

export function encodeStored(key: string, s: { rec: EntityRec; calcAt: number; cal?: string }): string {
  return encodeStoredBody(encodeBody(key, s.rec), s.calcAt, s.cal);
}

/** Reads a stored record, with its body. */
/**
 * The base of a stored record (`~<orderId>;<calcAt>;<base>;…`: the smallest time it holds, or 0 for a score
 * record), read without decoding the rest; NaN for a value not in the stored form.
 */
export function storedBase(value: string): number {
  const a = value.indexOf(";");
  const b = a === -1 ? -1 : value.indexOf(";", a + 1);
  if (value[0] !== "~" || b === -1) return NaN;
  const c = value.indexOf(";", b + 1);
  return un36(c === -1 ? value.slice(b + 1) : value.slice(b + 1, c));
}

export function decodeStored(key: string, value: string): StoredRecord {
  if (value[0] !== "~") throw new Error(`record ${key}: unknown stored form`);
  const parts = value.slice(1).split(";");
  const orderId = unesc(parts[0]!);
  const base = un36(parts[2]!);
  const tagAt = parts[1]!.indexOf("@");
  const calcAt = base + un36(tagAt === -1 ? parts[1]! : parts[1]!.slice(0, tagAt));
  const r = new TimeReader(base);
  const fields = parts.slice(3);
  const kind = key[0];
  const rec = isScoreKey(key)
    ? readScoreBody(key, fields)
    : kind === "o"
      ? readOrder(fields, r)
      : kind === "a"
        ? readAftersale(fields, r, orderId)
        : readConsumer(fields, r);
  const a = value.indexOf(";");
  const b = value.indexOf(";", a + 1);
  const out: StoredRecord = { calcAt, rec, body: `${value.slice(1, a)}${value.slice(b)}` };
  if (tagAt !== -1) out.cal = parts[1]!.slice(tagAt + 1);
  return out;
}
