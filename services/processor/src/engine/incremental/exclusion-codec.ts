import type { ExclusionDecision, ExclusionReason, ExclusionScope } from "@sg/events";
import { esc, unesc } from "./codec.js";
import type { ExclusionRec } from "./exclusions.js";

/**
 * The stored form of a record's exclusions (codec.ts), one field tagged `E`, items separated by `|`:
 *
 *   scope,itemId,consumerId,exclusionId,reqAt,reqId,reqReason,reqMetrics,decAt,decId,decision,decReason,decMetrics
 *
 * Absent members are empty; a metrics list is `=` and its names separated by `:` (absent: every metric).
 */
export const EXCLUSION_TAG = "E";

const escName = (s: string) => esc(s).replace(/[:=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const metricsText = (m: string[] | undefined) => (m === undefined ? "" : `=${m.map(escName).join(":")}`);
const readMetrics = (s: string) => (s === "" ? undefined : s.slice(1).split(":").map(unesc));
const opt = (s: string | undefined) => (s === undefined ? "" : esc(s));

export function exclusionsBody(list: readonly ExclusionRec[], w: { t(ms: number): string }): string {
  return `${EXCLUSION_TAG}${list
    .map((x) => {
      const q = x.request;
      const d = x.decision;
      return [
        x.scope,
        esc(x.itemId),
        opt(x.consumerId),
        opt(x.exclusionId),
        q ? w.t(q.at) : "",
        opt(q?.id),
        q?.reason ?? "",
        metricsText(q?.metrics),
        d ? w.t(d.at) : "",
        opt(d?.id),
        d?.decision ?? "",
        d?.reason ?? "",
        metricsText(d?.metrics),
      ].join(",");
    })
    .join("|")}`;
}

export function readExclusions(v: string, r: { t(s: string): number }): ExclusionRec[] {
  return v.split("|").map((item) => {
    const m = item.split(",");
    const x: ExclusionRec = { scope: m[0] as ExclusionScope, itemId: unesc(m[1]!) };
    if (m[2] !== "") x.consumerId = unesc(m[2]!);
    if (m[3] !== "") x.exclusionId = unesc(m[3]!);
    if (m[4] !== "") {
      x.request = { at: r.t(m[4]!), id: unesc(m[5]!), reason: m[6] as ExclusionReason };
      const metrics = readMetrics(m[7]!);
      if (metrics) x.request.metrics = metrics;
    }
    if (m[8] !== "") {
      x.decision = { at: r.t(m[8]!), id: unesc(m[9]!), decision: m[10] as ExclusionDecision, reason: m[11] as ExclusionReason };
      const metrics = readMetrics(m[12]!);
      if (metrics) x.decision.metrics = metrics;
    }
    return x;
  });
}

/** The smallest time of a list of exclusions, or undefined when none. */
export function exclusionsBase(list: readonly ExclusionRec[] | undefined): number | undefined {
  let b: number | undefined;
  for (const x of list ?? []) for (const t of [x.request?.at, x.decision?.at]) if (t !== undefined && (b === undefined || t < b)) b = t;
  return b;
}
