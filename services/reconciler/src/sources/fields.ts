import type { PlatformFigure, PlatformFigures } from "@sg/events";

/**
 * Maps a score API's answer to ScoreGuard's items. The mapping is `response field → item`, where the field
 * is a dotted path into the answer's data and the item is a metric or indicator name, `total`, or
 * `dimension.<name>`. For an item, the field itself (a number) or its `value` is the item's value, `score`
 * the points it scored, `numerator` and `denominator` the counts where the platform gives them.
 */
export type FieldMap = Readonly<Record<string, string>>;

export function mapFigures(data: unknown, fields: FieldMap): Pick<PlatformFigures, "total" | "dimensions" | "items"> {
  const out: Pick<PlatformFigures, "total" | "dimensions" | "items"> = { dimensions: {}, items: {} };
  for (const [path, target] of Object.entries(fields)) {
    const node = at(data, path);
    if (node === undefined) continue;
    const fig: PlatformFigure = {};
    const num = (x: unknown) =>
      typeof x === "number" && Number.isFinite(x)
        ? x
        : typeof x === "string" && x.trim() !== "" && Number.isFinite(Number(x))
          ? Number(x)
          : undefined;
    if (num(node) !== undefined) fig.value = num(node)!;
    else if (node !== null && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (num(o.value) !== undefined) fig.value = num(o.value)!;
      if (num(o.score) !== undefined) fig.points = num(o.score)!;
      if (num(o.numerator) !== undefined && num(o.numerator)! >= 0) fig.numerator = num(o.numerator)!;
      if (num(o.denominator) !== undefined && num(o.denominator)! >= 0) fig.denominator = num(o.denominator)!;
    }
    if (target === "total") out.total = fig.value ?? fig.points ?? null;
    else if (target.startsWith("dimension.")) out.dimensions[target.slice("dimension.".length)] = fig.value ?? fig.points ?? null;
    else if (Object.keys(fig).length > 0) out.items[target] = fig;
  }
  return out;
}

function at(data: unknown, path: string): unknown {
  let node = data;
  for (const seg of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}
