import { Resvg } from "@resvg/resvg-js";
import * as echarts from "echarts";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { substitute } from "./panel-queries.js";

/**
 * Draws a dashboard as a PNG from a Prometheus HTTP API, for the README: Grafana cannot run on
 * the build machine, so this lays the panels out by their gridPos and plots each panel's queries with
 * ECharts (server-side SVG), then rasterises with resvg. It is a picture of the data the panels query, not
 * of Grafana itself: time series as lines, stats as numbers, tables as text rows.
 */
export interface RenderOptions {
  prometheusUrl: string;
  /** Values of the dashboard's variables, e.g. { platform: "kuaishou", shop: "kuaishou:s1", metric: "…" }. */
  vars: Record<string, string>;
  startMs: number;
  endMs: number;
  /** `$__rate_interval`; default 15s. */
  rateInterval?: string;
  width?: number;
}

interface PromSeries {
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  value?: [number, string];
}

interface RawPanel {
  type: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Array<{ expr?: string; legendFormat?: string }>;
}

const FONT = "DejaVu Sans";
const ROW_PX = 28;
const BG = "#111217";
const PANEL_BG = "#181b1f";
const TEXT = "#ccccdc";

async function prom(base: string, path: string, params: Record<string, string>): Promise<PromSeries[]> {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params).toString()}`);
  const body = (await res.json()) as { status: string; data?: { result: PromSeries[] }; error?: string };
  if (body.status !== "success") throw new Error(`Prometheus ${path} ${params.query}: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format)
    return (
      Object.entries(metric)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ") || "value"
    );
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? "").trim() || "value";
}

function formatValue(v: number, unit: string | undefined): string {
  if (!Number.isFinite(v)) return String(v);
  if (unit === "percentunit") return `${(v * 100).toFixed(1)}%`;
  if (unit === "s") return v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 2 : 0)} ms` : `${v.toFixed(2)} s`;
  if (unit === "bytes") return `${(v / 1024 / 1024).toFixed(0)} MiB`;
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return v.toFixed(0);
  return v.toPrecision(3);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

async function timeseriesSvg(p: RawPanel, o: Required<RenderOptions>, w: number, h: number): Promise<string> {
  const unit = p.fieldConfig?.defaults?.unit;
  const step = Math.max(1, Math.round((o.endMs - o.startMs) / 1000 / 200));
  const series: echarts.SeriesOption[] = [];
  for (const t of p.targets ?? []) {
    if (!t.expr) continue;
    const query = substitute(t.expr, o.vars, o.rateInterval);
    const result = await prom(o.prometheusUrl, "/api/v1/query_range", {
      query,
      start: String(o.startMs / 1000),
      end: String(o.endMs / 1000),
      step: `${step}s`,
    });
    for (const r of result) {
      const name = legend(t.legendFormat, r.metric);
      const dashed = name === "threshold" || name === "target";
      series.push({
        type: "line",
        name,
        showSymbol: false,
        data: (r.values ?? []).map(([ts, v]) => [ts * 1000, Number(v)]),
        lineStyle: { width: 1.5, ...(dashed ? { type: "dashed" as const } : {}) },
        ...(name === "threshold" ? { color: "#f2495c" } : name === "target" ? { color: "#73bf69" } : {}),
      });
    }
  }
  // Legend rows, estimated from the names' widths (about 6 px a character at 10 px, plus the marker), so the
  // plot area leaves room for them.
  const legendWidth = series.reduce((sum, x) => sum + String(x.name).length * 6 + 34, 0);
  const legendRows = Math.max(1, Math.ceil(legendWidth / (w - 16)));
  const chart = echarts.init(null, "dark", { renderer: "svg", ssr: true, width: w, height: h });
  chart.setOption({
    backgroundColor: PANEL_BG,
    textStyle: { fontFamily: FONT },
    animation: false,
    title: { text: p.title ?? "", left: 8, top: 6, textStyle: { fontSize: 13, color: TEXT, fontFamily: FONT } },
    grid: { left: 62, right: 14, top: 34, bottom: 32 + 16 * legendRows },
    legend: { bottom: 4, left: 8, type: "plain", textStyle: { fontSize: 10, color: TEXT }, itemHeight: 6, itemWidth: 14 },
    xAxis: {
      type: "time",
      min: o.startMs,
      max: o.endMs,
      splitNumber: Math.max(2, Math.floor(w / 120)),
      axisLabel: { fontSize: 10, hideOverlap: true },
    },
    yAxis: {
      type: "value",
      axisLabel: { fontSize: 10, formatter: (v: number) => formatValue(v, unit) },
      splitLine: { lineStyle: { color: "#2c3235" } },
    },
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

async function textPanelSvg(p: RawPanel, o: Required<RenderOptions>, w: number, h: number): Promise<string> {
  const unit = p.fieldConfig?.defaults?.unit;
  const lines: string[] = [];
  for (const t of p.targets ?? []) {
    if (!t.expr) continue;
    const result = await prom(o.prometheusUrl, "/api/v1/query", {
      query: substitute(t.expr, o.vars, o.rateInterval),
      time: String(o.endMs / 1000),
    });
    for (const r of result) {
      const v = Number(r.value?.[1]);
      if (p.type === "table") {
        const { __name__: _n, instance: _i, job: _j, shop_key: _k, ...labels } = r.metric;
        lines.push(
          Object.entries(labels)
            .map(([k, val]) => `${k}: ${val}`)
            .join("   "),
        );
      } else {
        lines.push(`${legend(t.legendFormat, r.metric)}   ${formatValue(v, unit)}`);
      }
    }
  }
  if (lines.length === 0) lines.push("(no data)");
  const size = p.type === "stat" && lines.length <= 3 ? 20 : 12;
  const gap = size + 8;
  const shown = lines.slice(0, Math.max(1, Math.floor((h - 44) / gap)));
  const text = shown
    .map(
      (l, i) =>
        `<text x="12" y="${46 + i * gap}" font-size="${size}" fill="${p.type === "stat" ? "#73bf69" : TEXT}" font-family="${FONT}">${esc(l)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${PANEL_BG}"/><text x="8" y="20" font-size="13" font-weight="bold" fill="${TEXT}" font-family="${FONT}">${esc(p.title ?? "")}</text>${text}</svg>`;
}

/** The dashboard as one PNG, panels placed by gridPos (24 columns wide, 28 px per grid row). */
export async function renderDashboardPng(d: Dashboard, options: RenderOptions): Promise<Buffer> {
  const o: Required<RenderOptions> = { rateInterval: "15s", width: 1600, ...options };
  const col = o.width / 24;
  const panels = (d.panels ?? []) as unknown as RawPanel[];
  const parts: string[] = [];
  let bottom = 0;
  for (const p of panels) {
    const g = p.gridPos ?? { x: 0, y: 0, w: 24, h: 8 };
    const [x, y, w, h] = [g.x * col, g.y * ROW_PX + 40, g.w * col, g.h * ROW_PX];
    const title = substitute(p.title ?? "", o.vars);
    bottom = Math.max(bottom, y + h);
    if (p.type === "row") {
      parts.push(
        `<text x="${x + 6}" y="${y + 19}" font-size="15" font-weight="bold" fill="${TEXT}" font-family="${FONT}">${esc(title)}</text>`,
      );
      continue;
    }
    const inner =
      p.type === "timeseries"
        ? await timeseriesSvg({ ...p, title }, o, w - 6, h - 6)
        : await textPanelSvg({ ...p, title }, o, w - 6, h - 6);
    parts.push(inner.replace(/^<svg\b/, `<svg x="${x + 3}" y="${y + 3}"`));
  }
  const height = bottom + 10;
  const header = `<text x="12" y="26" font-size="18" font-weight="bold" fill="${TEXT}" font-family="${FONT}">${esc(d.title ?? "")}  <tspan font-size="12" font-weight="normal" fill="#8e8e8e">${esc(
    Object.entries(o.vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("  "),
  )} · drawn from the Prometheus API (not a Grafana screenshot)</tspan></text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${height}"><rect width="${o.width}" height="${height}" fill="${BG}"/>${header}${parts.join("")}</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: BG }).render().asPng();
}
