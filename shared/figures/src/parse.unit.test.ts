import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { FiguresImportError, itemAliases, parseFiguresFile } from "./index.js";

const target = { platform: "pdd" as const, shopId: "p1", nowMs: Date.parse("2026-03-03T10:00:00+08:00") };

async function xlsx(rows: (string | number | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("figures");
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function refusal(p: Promise<unknown>): Promise<FiguresImportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FiguresImportError);
  return err as FiguresImportError;
}

describe("importing figures from CSV", () => {
  it("reads items, percentages, counts, the total and a dimension, by English or Chinese headers", async () => {
    const csv =
      "\ufeff日期,指标,值,得分,分子,分母,规则版本\n2026-03-02,human_reply_3min_rate,75.00%,,3,4,pdd@2026\n2026-03-02,total,,4.8,,,\n2026-03-02,dimension.aftersale,,92.5,,,\n\n";
    const f = await parseFiguresFile(Buffer.from(csv), target);
    expect(f).toMatchObject({
      platform: "pdd",
      shopId: "p1",
      day: "2026-03-02",
      source: "import",
      platformPack: "pdd@2026",
      total: 4.8,
      dimensions: { aftersale: 92.5 },
      items: { human_reply_3min_rate: { value: 0.75, numerator: 3, denominator: 4 } },
    });
  });

  it("takes the pack's Chinese titles as item names", async () => {
    const f = await parseFiguresFile(Buffer.from("item,value\n3分钟人工回复率,0.8\n"), {
      ...target,
      day: "2026-03-02",
      aliases: itemAliases("pdd"),
    });
    expect(f.items).toEqual({ human_reply_3min_rate: { value: 0.8 } });
  });

  it("refuses the whole file for one bad row, naming the row and column", async () => {
    const csv =
      "day,item,value,numerator,denominator\n2026-03-02,human_reply_3min_rate,0.75,3,4\n2026-03-02,platform_help_rate,abc,1,200\n";
    const e = await refusal(parseFiguresFile(Buffer.from(csv), target));
    expect(e.message).toBe('row 3, column value (C): "abc" is not a number');
    expect([e.row, e.column]).toEqual([3, "value (C)"]);
  });

  it("refuses a count that is not a whole number, an unknown item, a second day, an unknown column", async () => {
    const base = "day,item,value,numerator,denominator\n2026-03-02,human_reply_3min_rate,0.75,3,4\n";
    expect((await refusal(parseFiguresFile(Buffer.from(base + "2026-03-02,intervention_rate,0.1,1.5,10\n"), target))).message).toBe(
      "row 3, column numerator (D): 1.5 is not a count (a whole number ≥ 0)",
    );
    expect((await refusal(parseFiguresFile(Buffer.from(base + "2026-03-02,Bad Item,0.1,,\n"), target))).message).toBe(
      'row 3, column item (B): "Bad Item" is not a known item',
    );
    expect((await refusal(parseFiguresFile(Buffer.from(base + "2026-03-03,intervention_rate,0.1,,\n"), target))).message).toBe(
      "row 3, column day (A): 2026-03-03: one file holds one day (2026-03-02)",
    );
    expect((await refusal(parseFiguresFile(Buffer.from("item,value,colour\nx,1,red\n"), target))).message).toMatch(
      /^row 1, column colour \(C\): unknown column/,
    );
  });
});

describe("importing figures from XLSX", () => {
  it("reads the first worksheet like a CSV file", async () => {
    const data = await xlsx([
      ["指标", "值", "分子", "分母"],
      ["human_reply_3min_rate", 0.75, 3, 4],
      ["total", 4.7, null, null],
    ]);
    const f = await parseFiguresFile(data, { ...target, day: "2026-03-02" });
    expect(f.items).toEqual({ human_reply_3min_rate: { value: 0.75, numerator: 3, denominator: 4 } });
    expect(f.total).toBe(4.7);
  });

  it("refuses the whole file for one bad row, naming the row and column", async () => {
    const data = await xlsx([
      ["item", "value", "numerator", "denominator"],
      ["human_reply_3min_rate", 0.75, 3, 4],
      ["intervention_rate", 0.01, 2, 200],
      ["platform_help_rate", "n/a", 1, 100],
    ]);
    const e = await refusal(parseFiguresFile(data, { ...target, day: "2026-03-02" }));
    expect(e.message).toBe('row 4, column value (B): "n/a" is not a number');
  });

  it("JD's backend keys name items", async () => {
    const data = await xlsx([
      ["item", "points"],
      ["Vane_ResponseSpeed", 9.5],
    ]);
    const f = await parseFiguresFile(data, { ...target, platform: "jd", day: "2026-03-02", aliases: itemAliases("jd") });
    expect(f.items).toEqual({ dongdong_response: { points: 9.5 } });
  });
});
