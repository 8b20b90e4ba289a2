/**
 * The demo's narration in the log: it reads each demo shop through the public read API every two seconds
 * (as any client would) and prints each metric's status change, each change of the score (its total and
 * status, each indicator's points) and each alert that starts or stops firing.
 */
import { loadRulePacks } from "@sg/rules";

interface ShopView {
  rulePack: string;
  metrics: Record<string, { value: number | null; status: string; pending?: number }>;
  alerts: Array<{ metric: string; kind: string; severity: string }>;
  scores?: ScoreView;
}

interface ScoreView {
  title: string;
  pack: string;
  status: string;
  total: number | null;
  sample?: boolean;
  indicators: Record<string, { value: number | null; points: number | null }>;
  nextStar?: {
    stars: number;
    met: number;
    of: number;
    indicators: Record<string, { value: number | null; standard: number; meets: boolean | null }>;
  };
}

/**
 * The lines a score's change prints: its total or status, then each indicator whose points moved, then the
 * next-star report when the count of standards met changes (with each indicator that went from meeting its
 * standard to missing it, or back).
 */
export function scoreChanges(key: string, before: ScoreView | undefined, now: ScoreView | undefined): string[] {
  if (now === undefined) return [];
  const out: string[] = [];
  const sample = now.sample ? ", SAMPLE parameters" : "";
  if (before === undefined || before.total !== now.total || before.status !== now.status || before.pack !== now.pack)
    out.push(`${key} ${now.title} = ${now.total ?? "—"} (${now.status}, ${now.pack}${sample})`);
  for (const [id, ind] of Object.entries(now.indicators)) {
    const was = before?.indicators[id]?.points ?? null;
    if (ind.points !== null && was !== null && was !== ind.points)
      out.push(`${key} ${now.title} indicator ${id}: ${was} → ${ind.points} points${sample}`);
  }
  const next = now.nextStar;
  const had = before?.nextStar;
  if (next !== undefined && (had === undefined || had.met !== next.met || had.of !== next.of)) {
    out.push(`${key} ${now.title} next star ${next.stars}★: ${next.met} of ${next.of} standards met${sample}`);
    for (const [id, ind] of Object.entries(next.indicators)) {
      const was = had?.indicators[id]?.meets;
      if (was !== undefined && was !== null && ind.meets !== null && was !== ind.meets)
        out.push(
          `${key} ${now.title} next star ${id} = ${Math.round(ind.value! * 100) / 100} (standard ${ind.standard}): ${was ? "met → MISSED" : "missed → MET"}${sample}`,
        );
    }
  }
  return out;
}

export function watchShops(o: {
  base: string;
  token: string;
  shops: ReadonlyArray<{ platform: string; shopId: string }>;
  say(line: string): void;
  everyMs?: number;
}): { stop(): void } {
  const last = new Map<string, ShopView>();
  const packs = loadRulePacks();
  const show = (v: number | null, unit: string | undefined) =>
    v === null ? "—" : unit === "ratio" ? `${(v * 100).toFixed(1)}%` : String(Math.round(v * 100) / 100);
  const poll = async () => {
    for (const s of o.shops) {
      const key = `${s.platform}:${s.shopId}`;
      const res = await fetch(`${o.base}/v1/shops/${s.platform}/${encodeURIComponent(s.shopId)}/metrics`, {
        headers: { authorization: `Bearer ${o.token}` },
      }).catch(() => null);
      if (res === null || res.status !== 200) continue;
      const now = (await res.json()) as ShopView;
      const before = last.get(key);
      last.set(key, now);
      for (const [name, m] of Object.entries(now.metrics)) {
        const was = before?.metrics[name];
        if (m.status === "no_data") continue;
        if (was === undefined || was.status !== m.status)
          o.say(
            `${key} ${name} = ${show(m.value, packs.get(now.rulePack)?.metrics[name]?.unit)}: ${was?.status ?? "new"} → ${m.status.toUpperCase()}`,
          );
      }
      for (const line of scoreChanges(key, before?.scores, now.scores)) o.say(line);
      const id = (a: { metric: string; kind: string }) => `${a.metric} ${a.kind}`;
      const had = new Set((before?.alerts ?? []).map(id));
      const has = new Set(now.alerts.map(id));
      for (const a of now.alerts) if (!had.has(id(a))) o.say(`${key} ALERT FIRING: ${a.metric} ${a.kind} (${a.severity})`);
      for (const a of before?.alerts ?? []) if (!has.has(id(a))) o.say(`${key} alert resolved: ${a.metric} ${a.kind}`);
    }
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // A poll cut short (the gateway stopping under it, a body read failing) is skipped, never an unhandled
    // rejection: the process guards would turn it into exit 1 during a clean shutdown.
    void poll()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, o.everyMs ?? 2000);
  return { stop: () => clearInterval(timer) };
}
