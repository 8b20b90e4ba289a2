/**
 * The evidence API's rows of the bench (docs/evidence.md, issue 18 "Performance"): for the busy shop of the
 * evaluation section, the processor's listing of its items (every record read, listed and costed) and the
 * size of the projection it writes; then the evidence API over HTTP with a token, the busy shop's metric with
 * the most bad items, p50 / p99 of sequential reads (goal p99 ≤ 50 ms).
 */
import { performance } from "node:perf_hooks";
import { evidenceKeys, type Platform, type ShopSnapshot } from "@sg/events";
import { EvidenceProjection } from "../../services/processor/src/publish/evidence-projection.js";
import { packInForce } from "../../services/processor/src/state/entity-store.js";
import type { ShopOverrides } from "../../services/processor/src/engine/types.js";
import { httpReads, type Ctx, type Row } from "./engine-v2.js";
import { median, pct } from "./measure.js";

export async function evidenceRows(
  c: Ctx,
  keyPrefix: string,
  shop: { platform: Platform; shopId: string },
  ev: { snapshot: ShopSnapshot },
  asOf: number,
  overrides: ShopOverrides,
  rows: Row[],
  notes: string[],
): Promise<void> {
  const projection = new EvidenceProjection(c.redis, keyPrefix, (s) => `${keyPrefix}:{${s.platform}:${s.shopId}}:ent`, 0);
  const pack = packInForce(shop, overrides, asOf);
  const lt: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await projection.maybeWrite({ snapshot: ev.snapshot, pack, shop: overrides, nowMs: asOf + i });
    lt.push(performance.now() - t0);
  }
  const key = evidenceKeys(keyPrefix).items(shop);
  const bytes = Number(await c.redis.memory("USAGE", key, "SAMPLES", "0"));
  const all = await c.redis.hgetall(key);
  const bad = Object.entries(all)
    .filter(([f]) => f.endsWith("|bad"))
    .map(([f, v]) => ({ metric: f.slice(0, -4), total: (JSON.parse(v) as { total: number }).total }))
    .sort((a, b) => b.total - a.total)[0];
  if (bad === undefined) throw new Error("the busy shop's evidence lists no metric");
  rows.push({
    row: `busy shop: listing its evidence (all records read, every metric's items listed, bad ones costed), median of 3; the projection's size`,
    before: "-",
    after: `${median(lt).toFixed(0)} ms; ${(bytes / 1024).toFixed(0)} KB`,
  });
  const rt = await httpReads(c, keyPrefix, shop, 300, `/metrics/${bad.metric}/items?outcome=bad&limit=50`);
  rows.push({
    row: `evidence API (busy shop's ${bad.metric}: ${bad.total} bad items, a page of 50) over HTTP with a token, idle, p50 / p99`,
    before: "-",
    after: `${pct(rt, 0.5).toFixed(2)} / ${pct(rt, 0.99).toFixed(2)} ms`,
    goal: "p99 ≤ 50 ms",
    met: pct(rt, 0.99) <= 50,
  });
  notes.push(
    `evidence: the listing is the processor's EvidenceProjection.maybeWrite at the evaluation's clock (HSCAN of the shop's records, engine/evidence, costs, one MULTI); the API reads are 300 sequential GET …/metrics/${bad.metric}/items?outcome=bad&limit=50 through startGatewayService (token, the snapshot read, the wanted mark and one HMGET of the list's head and the chunks of the page, zod parse of the page).`,
  );
}
