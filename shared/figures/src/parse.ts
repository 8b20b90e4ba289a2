import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { PlatformFigures, ShanghaiDay, type Platform, type PlatformFigure } from "@sg/events";

/**
 * Import of a platform's figures from a file the merchant downloaded (JD and Pinduoduo have no score API):
 * CSV or XLSX, one shop and one day per file, one row per item. The column mapping is in
 * docs/reconciliation.md "Importing figures". A file with any bad row is refused whole, naming the row
 * (as the spreadsheet numbers it: the header is row 1) and the column.
 */

/** A refusal: the first bad cell, by row number and column (header name and letter). */
export class FiguresImportError extends Error {
  override readonly name = "FiguresImportError";
  constructor(
    readonly row: number | null,
    readonly column: string | null,
    readonly reason: string,
  ) {
    super(row === null ? reason : `row ${row}${column === null ? "" : `, column ${column}`}: ${reason}`);
  }
}

/** Accepted header names (case and spaces ignored) → field. */
const HEADERS: Record<string, Field> = {
  item: "item",
  指标: "item",
  指标名称: "item",
  value: "value",
  值: "value",
  数值: "value",
  指标值: "value",
  points: "points",
  score: "points",
  得分: "points",
  分数: "points",
  numerator: "numerator",
  分子: "numerator",
  denominator: "denominator",
  分母: "denominator",
  day: "day",
  date: "day",
  日期: "day",
  pack: "pack",
  规则版本: "pack",
};
type Field = "item" | "value" | "points" | "numerator" | "denominator" | "day" | "pack";

/** An item's name: ScoreGuard's (snake_case), `total`, `dimension.<name>`; or an alias (aliases.ts). */
const ITEM = /^(total|dimension\.[a-z][a-z0-9_]*|[a-z][a-z0-9_]*)$/;

export interface ImportTarget {
  platform: Platform;
  shopId: string;
  /** The day the figures are for; a `day` column, where present, must agree on every row. */
  day?: string;
  nowMs: number;
  /** Other names of items (a pack's Chinese titles, JD's backend keys) → ScoreGuard's item. */
  aliases?: Readonly<Record<string, string>>;
}

type Cell = string | number | null;

export async function parseFiguresFile(data: Buffer, target: ImportTarget): Promise<PlatformFigures> {
  const rows = isXlsx(data) ? await xlsxRows(data) : csvRows(data);
  return figuresFromRows(rows, target);
}

function isXlsx(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04; // a ZIP: PK\3\4
}

function csvRows(data: Buffer): Cell[][] {
  try {
    return parseCsv(data, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new FiguresImportError(typeof line === "number" ? line : null, null, "not a readable CSV file (quoting or encoding)");
  }
}

async function xlsxRows(data: Buffer): Promise<Cell[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new FiguresImportError(null, null, "not a readable XLSX file");
  }
  const sheet = wb.worksheets[0];
  if (sheet === undefined) throw new FiguresImportError(null, null, "the XLSX file has no worksheet");
  const rows: Cell[][] = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 1); c++) cells.push(cellValue(row.getCell(c).value));
    rows.push(cells);
  }
  return rows;
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10); // a date cell is a naive day: exceljs gives it as UTC
  if (typeof v === "object" && "result" in v) return cellValue(v.result);
  if (typeof v === "object" && "richText" in v) return v.richText.map((t) => t.text).join("");
  if (typeof v === "object" && "text" in v) return String(v.text);
  // An error cell (#N/A, #DIV/0!) or another kind: its JSON, which no number or item name matches, so the
  // row is refused naming the cell.
  return JSON.stringify(v);
}

function letter(col: number): string {
  let s = "";
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function figuresFromRows(rows: Cell[][], target: ImportTarget): PlatformFigures {
  const header = rows[0];
  if (header === undefined) throw new FiguresImportError(null, null, "the file is empty");
  const columns = new Map<Field, { index: number; name: string }>();
  header.forEach((h, i) => {
    const name = String(h ?? "").trim();
    const field = HEADERS[name.toLowerCase().replace(/\s+/g, "")];
    if (field === undefined) {
      if (name !== "")
        throw new FiguresImportError(
          1,
          `${name} (${letter(i)})`,
          `unknown column; expected ${[...new Set(Object.values(HEADERS))].join(", ")}`,
        );
      return;
    }
    if (columns.has(field)) throw new FiguresImportError(1, `${name} (${letter(i)})`, `a second ${field} column`);
    columns.set(field, { index: i, name });
  });
  if (!columns.has("item")) throw new FiguresImportError(1, null, "no item column (指标)");
  if (!columns.has("value") && !columns.has("points"))
    throw new FiguresImportError(1, null, "neither a value (值) nor a points (得分) column");

  let day = target.day;
  let pack: string | undefined;
  const out: Pick<PlatformFigures, "dimensions" | "items"> & { total?: number | null } = { dimensions: {}, items: {} };
  const seen = new Set<string>();
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const rowNo = r + 1;
    if (row.every((c) => c === null || String(c).trim() === "")) continue; // a blank line
    const cell = (f: Field) => {
      const c = columns.get(f);
      return c === undefined ? null : (row[c.index] ?? null);
    };
    const where = (f: Field) => `${columns.get(f)!.name} (${letter(columns.get(f)!.index)})`;
    const rawItem = String(cell("item") ?? "").trim();
    const item = target.aliases?.[rawItem] ?? rawItem;
    if (!ITEM.test(item))
      throw new FiguresImportError(
        rowNo,
        where("item"),
        rawItem === "" ? "the item is empty" : `"${rawItem.slice(0, 60)}" is not a known item`,
      );
    if (seen.has(item)) throw new FiguresImportError(rowNo, where("item"), `${item} appears twice`);
    seen.add(item);
    const num = (f: Field, opts: { count?: boolean } = {}): number | undefined => {
      const c = cell(f);
      if (c === null || String(c).trim() === "") return undefined;
      const n = toNumber(c);
      if (n === undefined) throw new FiguresImportError(rowNo, where(f), `"${String(c).slice(0, 40)}" is not a number`);
      if (opts.count && (n < 0 || !Number.isInteger(n)))
        throw new FiguresImportError(rowNo, where(f), `${n} is not a count (a whole number ≥ 0)`);
      return n;
    };
    const fig: PlatformFigure = {};
    const value = num("value");
    const points = num("points");
    const numerator = num("numerator", { count: true });
    const denominator = num("denominator", { count: true });
    if (value !== undefined) fig.value = value;
    if (points !== undefined) fig.points = points;
    if (numerator !== undefined) fig.numerator = numerator;
    if (denominator !== undefined) fig.denominator = denominator;
    if (value === undefined && points === undefined)
      throw new FiguresImportError(rowNo, where(columns.has("value") ? "value" : "points"), "neither a value nor points");
    const d = cell("day");
    if (d !== null && String(d).trim() !== "") {
      const text = String(d).trim();
      if (!ShanghaiDay.safeParse(text).success)
        throw new FiguresImportError(rowNo, where("day"), `"${text.slice(0, 20)}" is not a day (YYYY-MM-DD)`);
      if (day !== undefined && text !== day) throw new FiguresImportError(rowNo, where("day"), `${text}: one file holds one day (${day})`);
      day = text;
    }
    const p = cell("pack");
    if (p !== null && String(p).trim() !== "") pack = String(p).trim().slice(0, 64);
    if (item === "total") out.total = value ?? points ?? null;
    else if (item.startsWith("dimension.")) out.dimensions[item.slice("dimension.".length)] = value ?? points ?? null;
    else out.items[item] = fig;
  }
  if (day === undefined) throw new FiguresImportError(null, null, "no day: give --day (or the API's day) or a day column (日期)");
  if (seen.size === 0) throw new FiguresImportError(null, null, "the file has no rows under its header");
  return PlatformFigures.parse({
    platform: target.platform,
    shopId: target.shopId,
    day,
    source: "import",
    receivedAtMs: target.nowMs,
    ...(pack === undefined ? {} : { platformPack: pack }),
    ...out,
  });
}

/** A number as the backends display it: `0.75`, `75.00%` (a percentage becomes a fraction), `1,234`. */
function toNumber(c: string | number): number | undefined {
  if (typeof c === "number") return Number.isFinite(c) ? c : undefined;
  const t = c.trim().replace(/,/g, "");
  const pct = t.endsWith("%");
  const body = pct ? t.slice(0, -1).trim() : t;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(body)) return undefined;
  const n = Number(body);
  return pct ? n / 100 : n;
}
