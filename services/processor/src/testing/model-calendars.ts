import { Calendars, type CalendarEntry } from "@sg/config";
import { toShanghaiIso, type Platform } from "@sg/events";
import { EXTENDABLE_KINDS, packFor, REGION_KINDS, selectablePacks, type MetricKind } from "@sg/rules";
import { mulberry32 } from "./random-events.js";

/**
 * A random calendar for the model tests (docs/calendars.md): suspensions of some metrics (or all) over a few
 * days of the 35 before the evaluated day, on the platform's list and the shop's own (whose entries replace
 * the platform's for a rule, metric and day), and stricter lines in force on some streams' evaluated days;
 * deadline extensions (one per list at most: two sharing a day, metric and kind are a start-up error) and
 * excluded regions (province, city or district codes of model-streams.ts MODEL_REGIONS' provinces); some
 * entries marked `sample`. Parsed by the configuration's own schema, as the processor receives it.
 */
/** Listed regions: Hubei (42), Wuhan (4201), a Wuhan district, Shenzhen (4403), a Shanghai district, Beijing (11). */
const REGION_PICKS = ["420100", "420100", "420106", "420102", "440300", "310101", "420000", "110000"] as const;

export function modelCalendar(seed: number, platform: Platform, shopId: string, dayStartMs: number): Calendars {
  const rnd = mulberry32(seed ^ 0x6c8e9cf5);
  const pack = packFor(platform);
  const names = [...new Set([pack, ...selectablePacks(platform)].flatMap((p) => Object.keys(p.metrics)))];
  const namesOf = (kinds: ReadonlySet<MetricKind>) => [
    ...new Set([pack, ...selectablePacks(platform)].flatMap((p) => Object.keys(p.metrics).filter((n) => kinds.has(p.metrics[n]!.kind)))),
  ];
  const extendable = namesOf(EXTENDABLE_KINDS);
  const regional = namesOf(REGION_KINDS);
  const date = (daysBefore: number) => toShanghaiIso(dayStartMs - daysBefore * 86_400_000 + 43_200_000).slice(0, 10);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const suspensions = (): Record<string, unknown>[] =>
    Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => {
      const start = Math.floor(rnd() * 36);
      const end = Math.max(0, start - Math.floor(rnd() * 5));
      return {
        name: `suspension ${i}`,
        rule: "suspend",
        from: date(start),
        to: date(end),
        sample: rnd() < 0.3,
        metrics: rnd() < 0.15 ? "all" : [...new Set([pick(names), pick(names)])],
      };
    });
  /** One stricter entry at most per list: two sharing a day and a metric are a start-up error. */
  const stricter = (): Record<string, unknown>[] => {
    if (rnd() < 0.5) return [];
    const lines: Record<string, { threshold?: number; target?: number }> = {};
    for (const name of new Set([pick(Object.keys(pack.metrics)), pick(Object.keys(pack.metrics))])) {
      const def = pack.metrics[name]!;
      if (def.unit === "points") continue;
      const tighten = (line: number | null, scale: number): number => {
        const base = line ?? (def.unit === "ratio" ? 0.5 : 10);
        const step = rnd() * scale * (def.unit === "ratio" ? 1 : base);
        return def.direction === "min" ? Math.min(def.unit === "ratio" ? 1 : Infinity, base + step) : Math.max(0, base - step);
      };
      lines[name] =
        rnd() < 0.5
          ? { threshold: tighten(def.threshold, 0.2) }
          : { threshold: tighten(def.threshold, 0.1), target: tighten(def.target, 0.3) };
    }
    if (Object.keys(lines).length === 0) return [];
    return [{ name: "promotion", rule: "stricter", from: date(Math.floor(rnd() * 3)), to: date(0), sample: rnd() < 0.3, lines }];
  };
  const range = () => {
    const start = Math.floor(rnd() * 36);
    return { from: date(start), to: date(Math.max(0, start - Math.floor(rnd() * 8))) };
  };
  const extensions = (): Record<string, unknown>[] => {
    if (extendable.length === 0 || rnd() < 0.4) return [];
    const kinds = rnd() < 0.3 ? { aftersaleKinds: [pick(["refund_only", "return_refund", "exchange"] as const)] } : {};
    return [
      {
        name: "extension",
        rule: "extend_deadline",
        ...range(),
        sample: rnd() < 0.3,
        deadline: pick(["10m", "2h", "30h", "3d", "5d"]),
        metrics: rnd() < 0.15 ? "all" : [...new Set([pick(extendable), pick(extendable)])],
        ...kinds,
      },
    ];
  };
  const regions = (): Record<string, unknown>[] =>
    regional.length === 0
      ? []
      : Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => ({
          name: `regions ${i}`,
          rule: "exclude_regions",
          ...range(),
          sample: rnd() < 0.3,
          // Cities and districts more often than provinces: a province covers every code of the streams' Hubei orders.
          regions: [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(REGION_PICKS)))],
          metrics: rnd() < 0.15 ? "all" : [pick(regional)],
        }));
  const list = () => [...suspensions(), ...stricter(), ...extensions(), ...regions()];
  const parsed = Calendars.parse({
    platforms: { [platform]: list() },
    shops: { [`${platform}:${shopId}`]: list() },
  });
  return parsed;
}

/** Whether a calendar has an entry at all (a stream without one is compared with evaluateShop too). */
export function hasEntries(c: Calendars): boolean {
  const lists: (readonly CalendarEntry[] | undefined)[] = [...Object.values(c.platforms ?? {}), ...Object.values(c.shops ?? {})];
  return lists.some((l) => (l?.length ?? 0) > 0);
}
