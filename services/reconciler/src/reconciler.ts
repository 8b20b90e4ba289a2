import type { Reconciliation } from "@sg/config";
import {
  addDays,
  alertKey,
  dayStartMs,
  shanghaiDayOf,
  toShanghaiIso,
  type AlertRecord,
  type FiguresState,
  type ReconciliationAlertDetail,
  type ShopRef,
} from "@sg/events";
import { createDayEndReader } from "@sg/events/runtime";
import type { Producer } from "@sg/kafka";
import type { Redis } from "@sg/redis";
import { loadRulePacks, type RulePack } from "@sg/rules";
import { compareDay } from "./compare/compare.js";
import { driftAlertDetail } from "./drift-alert.js";
import type { ToleranceUnit } from "./compare/tolerance.js";
import { createDouyinSource } from "./sources/douyin/douyin.source.js";
import { createKuaishouSource } from "./sources/kuaishou/kuaishou.source.js";
import { PullError, type FigureSource } from "./sources/source.js";
import { ReconciliationStore } from "./store.js";
import type { ReconcilerMetrics } from "./telemetry.js";

export interface ReconcilerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReconcilerDeps {
  redis: Redis;
  keyPrefix: string;
  config: Reconciliation;
  clock: () => number;
  log: ReconcilerLog;
  metrics?: ReconcilerMetrics;
  /** Where `reconciliation_drift` alerts go (`sg.alerts`); none: no alerts. */
  alerts?: { producer: Producer; topic: string };
  /** The score-API sources; default: those the configuration lists. */
  sources?: FigureSource[];
  /** How often the loop looks for due pulls and imported days (ms); default 60 s. */
  tickMs?: number;
  /** Jitter of the backoff in [0, 1); default Math.random. */
  random?: () => number;
}

export interface Reconciler {
  start(): void;
  /** Stops the loop and waits for the pass in hand. Idempotent. */
  stop(): Promise<void>;
  /** One pass: due pulls, imported days, comparisons whose day-end value was taken again. */
  tick(): Promise<void>;
  /** Compares one shop-day now and stores the report. */
  reconcile(shop: ShopRef, day: string): Promise<void>;
  readonly store: ReconciliationStore;
}

/** Pulls of different shops run at most this many at a time. */
const PULL_CONCURRENCY = 4;

/** The sources the configuration lists. */
export function configuredSources(config: Reconciliation): FigureSource[] {
  const out: FigureSource[] = [];
  if (config.douyin) out.push(createDouyinSource(config.douyin, config.timeout));
  if (config.kuaishou) out.push(createKuaishouSource(config.kuaishou, config.timeout));
  return out;
}

/**
 * The reconciler (docs/reconciliation.md): after each platform's daily refresh it pulls yesterday's figures
 * per shop, retrying a platform that is down with exponential backoff, compares them with the processor's
 * end-of-day values, stores the report, counts drifts and raises a `reconciliation_drift` warning. It runs
 * on its own loop and only reads what the pipeline wrote, so a slow or absent platform never holds up events.
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const store = new ReconciliationStore(deps.redis, deps.keyPrefix);
  const dayEnds = createDayEndReader(deps.redis, deps.keyPrefix);
  const sources = deps.sources ?? configuredSources(deps.config);
  const packs = loadRulePacks();
  const random = deps.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pass: Promise<void> | undefined;
  /** Per shop: the last drift alert state sent, so a shop's alert fires and resolves once. */
  const alertSeq = new Map<string, { firing: boolean; seq: number }>();

  const unitsOf = (pack: RulePack | undefined): Record<string, ToleranceUnit> =>
    Object.fromEntries(Object.entries(pack?.metrics ?? {}).map(([name, def]) => [name, def.unit]));

  async function reconcile(shop: ShopRef, day: string): Promise<void> {
    const now = deps.clock();
    const figures = await store.figures(shop, day);
    const state: FiguresState =
      (await store.pullState(shop, day)) ??
      (figures ? { status: "received", source: figures.source, attempts: 0 } : { status: "missing", attempts: 0 });
    const ours = await dayEnds.day(shop, day);
    const before = await store.report(shop, day);
    const units = unitsOf(ours ? packs.get(ours.rulePack) : undefined);
    const report = compareDay({
      platform: shop.platform,
      shopId: shop.shopId,
      day,
      nowMs: now,
      figures,
      figuresState: figures ? { ...state, status: "received" } : state,
      ours,
      units,
      tolerances: deps.config.tolerances,
    });
    await store.saveReport(report);
    // Each item's drift is counted once per shop-day, however often the day is compared again.
    const counted = new Set((before?.lines ?? []).filter((l) => l.status === "drift").map((l) => l.item));
    for (const l of report.lines)
      if (l.status === "drift" && !counted.has(l.item)) deps.metrics?.drifts.inc({ platform: shop.platform, metric: l.item });
    const outcome = figures === null ? "missing" : report.summary.drift > 0 ? "drift" : "match";
    deps.metrics?.comparisons.inc({ platform: shop.platform, outcome });
    if (figures !== null) await publishDriftAlert(shop, driftAlertDetail(report, units), ours?.rulePack ?? "", now);
  }

  /** One alert per shop: firing while its latest compared day has drifts, resolved by a day without. */
  async function publishDriftAlert(shop: ShopRef, detail: ReconciliationAlertDetail, rulePack: string, now: number): Promise<void> {
    const { drift: drifts, compared } = detail;
    if (!deps.alerts || !deps.config.alerts) return;
    const key = `${shop.platform}:${shop.shopId}`;
    const last = alertSeq.get(key);
    const firing = drifts > 0;
    if ((last?.firing ?? false) === firing) return;
    const seq = Math.max(now, (last?.seq ?? 0) + 1);
    const record: AlertRecord = {
      platform: shop.platform,
      shopId: shop.shopId,
      metric: "reconciliation",
      kind: "reconciliation_drift",
      status: firing ? "firing" : "resolved",
      severity: "warning",
      at: toShanghaiIso(now),
      seq,
      rulePack,
      direction: "max",
      unit: "count",
      value: drifts,
      threshold: 0,
      target: null,
      numerator: drifts,
      denominator: compared,
      reconciliation: detail,
    };
    await deps.alerts.producer.send({ topic: deps.alerts.topic, messages: [{ key: alertKey(record), value: JSON.stringify(record) }] });
    alertSeq.set(key, { firing, seq });
  }

  /** The backoff before attempt `attempt + 1`: doubling from `backoff`, capped, with up to 20% jitter. */
  const backoffMs = (attempt: number) => Math.min(deps.config.maxBackoff, deps.config.backoff * 2 ** (attempt - 1)) * (1 + 0.2 * random());

  async function pullOne(source: FigureSource, shopId: string, day: string, now: number): Promise<void> {
    const shop: ShopRef = { platform: source.platform, shopId };
    const state = await store.pullState(shop, day);
    if (state?.status === "received") return;
    if (state && (state.nextRetryAtMs === undefined || state.nextRetryAtMs > now)) return; // given up, or not yet
    const attempts = (state?.attempts ?? 0) + 1;
    try {
      const figures = await source.pull(shopId, day, now);
      await store.saveFigures(figures);
      await store.savePullState(shop, day, { status: "received", source: figures.source, attempts });
      deps.metrics?.pulls.inc({ platform: source.platform, result: "ok" });
    } catch (err) {
      const pe = err instanceof PullError ? err : new PullError("unexpected failure", false, { cause: err });
      const retry = pe.retriable && attempts < deps.config.attempts;
      const next: FiguresState = { status: "missing", attempts, reason: pe.message.slice(0, 300) };
      if (retry) next.nextRetryAtMs = now + Math.round(backoffMs(attempts));
      await store.savePullState(shop, day, next);
      deps.metrics?.pulls.inc({ platform: source.platform, result: retry ? "retry" : "failed" });
      // The reason names the platform's code or the HTTP status, never a credential or the signed URL.
      deps.log.warn(
        { platform: source.platform, shop: shopId, day, attempts, reason: pe.message, retryAt: next.nextRetryAtMs },
        "platform figures missing",
      );
    }
    await reconcile(shop, day);
  }

  async function tickOnce(): Promise<void> {
    const now = deps.clock();
    const day = shanghaiDayOf(now - 86_400_000);
    const jobs: (() => Promise<void>)[] = [];
    const missing = new Map<string, number>();
    for (const source of sources) {
      const [hh, mm] = source.pullAt.split(":").map(Number) as [number, number];
      if (now < dayStartMs(addDays(day, 1)) + (hh * 60 + mm) * 60_000) continue;
      for (const shopId of source.shops) jobs.push(() => pullOne(source, shopId, day, now));
    }
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await job().catch((err: unknown) => deps.log.error({ err }, "reconciliation pull failed; retried at the next pass"));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PULL_CONCURRENCY, jobs.length) }, worker));
    for (const source of sources) {
      let n = 0;
      for (const shopId of source.shops)
        if ((await store.pullState({ platform: source.platform, shopId }, day))?.status !== "received") n++;
      missing.set(source.platform, n);
    }
    for (const [platform, n] of missing) deps.metrics?.missing.set({ platform }, n);
    // Imported figures (gateway or CLI) wait in the request set; each is compared once.
    for (const { shop, day: d } of await store.requested()) {
      const i = shop.indexOf(":");
      await reconcile({ platform: shop.slice(0, i) as ShopRef["platform"], shopId: shop.slice(i + 1) }, d);
      await store.doneRequest(shop, d);
    }
    // A day compared against its close take is compared again once the settled take is there.
    for (const source of sources)
      for (const shopId of source.shops) {
        const shop: ShopRef = { platform: source.platform, shopId };
        const report = await store.report(shop, day);
        if (report?.ours?.take !== "close") continue;
        const ours = await dayEnds.day(shop, day);
        if (ours?.take === "settled") await reconcile(shop, day);
      }
  }

  function tick(): Promise<void> {
    const p = (pass ?? Promise.resolve()).then(tickOnce);
    pass = p.catch(() => undefined);
    return p;
  }

  function loop(): void {
    timer = setTimeout(() => {
      tick()
        .catch((err: unknown) => deps.log.error({ err }, "reconciliation pass failed; will retry"))
        .finally(() => {
          if (running) loop();
        });
    }, deps.tickMs ?? 60_000);
  }

  return {
    store,
    tick,
    reconcile,
    start() {
      if (running) return;
      running = true;
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await pass;
    },
  };
}
