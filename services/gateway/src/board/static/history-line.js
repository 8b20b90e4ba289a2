// The geometry of a tile's history line: pure (no DOM), so it is unit-tested in Node; board.js draws it as SVG.

export const LINE_WIDTH = 120;
export const LINE_HEIGHT = 28;
const PAD = 2;

/**
 * Points of a metric's daily values (oldest first; null = a day not kept, drawn as a gap), scaled to the
 * values and the threshold together so the line and its threshold share one axis. Null when fewer than two
 * days have a value: one point is not a line.
 * @param {(number|null)[]} values
 * @param {{ threshold?: number|null, target?: number|null }} lines
 */
export function historyLine(values, lines = {}) {
  const known = values.filter((v) => typeof v === "number" && Number.isFinite(v));
  if (known.length < 2) return null;
  const threshold = typeof lines.threshold === "number" && Number.isFinite(lines.threshold) ? lines.threshold : null;
  const all = threshold === null ? known : [...known, threshold];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const step = values.length > 1 ? (LINE_WIDTH - 2 * PAD) / (values.length - 1) : 0;
  const x = (i) => round(PAD + i * step);
  const y = (v) => round(LINE_HEIGHT - PAD - ((v - lo) / (hi - lo)) * (LINE_HEIGHT - 2 * PAD));
  const segments = [];
  let current = [];
  values.forEach((v, i) => {
    if (typeof v === "number" && Number.isFinite(v)) current.push(`${x(i)},${y(v)}`);
    else if (current.length > 0) {
      segments.push(current);
      current = [];
    }
  });
  if (current.length > 0) segments.push(current);
  return {
    width: LINE_WIDTH,
    height: LINE_HEIGHT,
    days: known.length,
    // A lone day between gaps is drawn as a short dash so it is seen.
    segments: segments.map((s) => (s.length === 1 ? dash(s[0]) : s.join(" "))),
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
