// The geometry of a tile's history line: pure (no DOM), so it is unit-tested in Node; board.js draws it as SVG.

export const LINE_WIDTH = 120;
export const LINE_HEIGHT = 28;
const PAD = 2;

/**
 * Points of a metric's daily values (oldest first; null = a day not kept, drawn as a gap), then its projected
 * values (the forecast's roll-off, docs/forecast.md: the day-ends of today and the next six days), scaled to
 * the values and the threshold together so the line and its threshold share one axis. The projected part is
 * its own polyline, joined to the last kept day when that day is the one before it. Null when fewer than two
 * days have a value: one point is not a line.
 * @param {(number|null)[]} values
 * @param {{ threshold?: number|null, target?: number|null }} lines
 * @param {(number|null)[]} [projected]
 */
export function historyLine(values, lines = {}, projected = []) {
  const isValue = (v) => typeof v === "number" && Number.isFinite(v);
  const all = [...values, ...projected];
  const known = all.filter(isValue);
  if (known.length < 2) return null;
  const threshold = typeof lines.threshold === "number" && Number.isFinite(lines.threshold) ? lines.threshold : null;
  const scale = threshold === null ? known : [...known, threshold];
  let lo = Math.min(...scale);
  let hi = Math.max(...scale);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const step = all.length > 1 ? (LINE_WIDTH - 2 * PAD) / (all.length - 1) : 0;
  const x = (i) => round(PAD + i * step);
  const y = (v) => round(LINE_HEIGHT - PAD - ((v - lo) / (hi - lo)) * (LINE_HEIGHT - 2 * PAD));
  const runs = (from, to, start = []) => {
    const out = [];
    let current = start;
    for (let i = from; i < to; i++) {
      const v = all[i];
      if (isValue(v)) current.push(`${x(i)},${y(v)}`);
      else if (current.length > 0) {
        out.push(current);
        current = [];
      }
    }
    if (current.length > 0) out.push(current);
    return out;
  };
  const segments = runs(0, values.length);
  const last = values.length - 1;
  const join = last >= 0 && isValue(values[last]) ? [`${x(last)},${y(values[last])}`] : [];
  const projection = runs(values.length, all.length, join);
  return {
    width: LINE_WIDTH,
    height: LINE_HEIGHT,
    days: values.filter(isValue).length,
    projectedDays: projected.filter(isValue).length,
    // A lone day between gaps is drawn as a short dash so it is seen.
    segments: segments.map((s) => (s.length === 1 ? dash(s[0]) : s.join(" "))),
    projected: projection.map((s) => (s.length === 1 ? dash(s[0]) : s.join(" "))),
    thresholdY: threshold === null ? null : y(threshold),
  };
}

function dash(point) {
  const [px, py] = point.split(",").map(Number);
  return `${round(px - 1)},${py} ${round(px + 1)},${py}`;
}

function round(v) {
  return Math.round(v * 10) / 10;
}
