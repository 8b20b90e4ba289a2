import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Languages with a folder under services/notifier/templates/. */
export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const Pair = z.object({ min: z.string(), max: z.string() }).strict();
const Strings = z
  .object({
    severity: z.object({ critical: z.string(), warning: z.string() }).strict(),
    status: z.object({ firing: z.string(), resolved: z.string() }).strict(),
    statusLine: z.object({ critical: z.string(), warning: z.string(), resolved: z.string() }).strict(),
    platform: z.record(z.string(), z.string()),
    title: z.object({ one: z.string(), many: z.string(), summary: z.string() }).strict(),
    groupName: z.object({ shop: z.string(), other: z.string() }).strict(),
    headroom: z.string(),
    headroomNone: z.string(),
    limits: z.object({ threshold: z.string(), target: z.string(), join: z.string(), wrap: z.string() }).strict(),
    noValue: z.string(),
    more: z.string(),
    units: z
      .object({ ratio: z.string(), hours: z.string(), seconds: z.string(), count: z.string(), points: z.string(), stars: z.string() })
      .strict(),
    direction: Pair,
    /** The phrases of `score` alerts (score-text.ts). */
    score: z
      .object({
        stars: z.string(),
        state: z.object({ critical: z.string(), warning: z.string() }).strict(),
        risk: z.string(),
        riskItem: z.string(),
        riskJoin: z.string(),
        dimDrop: z.string(),
        dimJoin: z.string(),
        headroom: z.string(),
        headroomNone: z.string(),
        sample: z.string(),
      })
      .strict(),
    /** The phrases of `reconciliation_drift` alerts (reconciliation-text.ts). */
    reconciliation: z
      .object({
        name: z.string(),
        value: z.string(),
        text: z.string(),
        textNoDay: z.string(),
        withItems: z.string(),
        item: z.string(),
        join: z.string(),
        more: z.string(),
        total: z.string(),
        dimension: z.string(),
      })
      .strict(),
  })
  .strict();
export type TemplateStrings = z.infer<typeof Strings>;

const MetricName = z.object({ name: z.string().min(1), bad: z.string().min(1), due: z.string().min(1) }).strict();
export type MetricName = z.infer<typeof MetricName>;

const FILES = [
  "alert.threshold.md",
  "alert.at_risk.md",
  "alert.score.md",
  "alert.reconciliation.md",
  "alert.resolved.md",
  "header.md",
  "footer.md",
  "summary.header.md",
  "summary.line.md",
] as const;
export type TemplateFile = (typeof FILES)[number];

export interface Templates {
  language: Language;
  file: Record<TemplateFile, string>;
  strings: TemplateStrings;
  metrics: Record<string, MetricName>;
}

export const DEFAULT_TEMPLATE_DIR = new URL("../../templates/", import.meta.url);

const cache = new Map<string, Templates>();

/** Reads and validates one language's templates (once per process and folder). Throws naming the file. */
export function loadTemplates(language: Language, dir: URL = DEFAULT_TEMPLATE_DIR): Templates {
  const cacheKey = `${dir.href}|${language}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const base = new URL(`${language}/`, dir);
  const read = (name: string) => readFileSync(fileURLToPath(new URL(name, base)), "utf8");
  const json = <T>(name: string, schema: z.ZodType<T>): T => {
    const parsed = schema.safeParse(JSON.parse(read(name)));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new Error(`templates/${language}/${name}: ${i?.path.join(".") ?? ""}: ${i?.message ?? "invalid"}`);
    }
    return parsed.data;
  };
  const file = Object.fromEntries(FILES.map((f) => [f, read(f)])) as Record<TemplateFile, string>;
  const t: Templates = {
    language,
    file,
    strings: json("strings.json", Strings),
    metrics: json("metrics.json", z.record(z.string(), MetricName)),
  };
  cache.set(cacheKey, t);
  return t;
}
