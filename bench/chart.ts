/** A small self-contained SVG line chart: end-to-end latency (log scale) against send rate. */

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

const W = 720;
const H = 420;
const PAD = { left: 64, right: 190, top: 40, bottom: 52 };
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function latencyChart(series: Series[], opts: { title: string; xMax: number; boundMs: number }): string {
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...ys)))); // a decade at or below the fastest point
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(opts.boundMs * 2, ...ys)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + (v / opts.xMax) * plotW;
  const y = (v: number) => PAD.top + plotH - ((Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="22" font-size="15" font-weight="600">${esc(opts.title)}</text>`,
  ];
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > yMax) break;
      out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
      const label = v >= 1000 ? `${v / 1000} s` : `${Number(v.toPrecision(1))} ms`;
      out.push(`<text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${label}</text>`);
    }
  }
  for (let v = 0; v <= opts.xMax; v += 500) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(v)}" y="${PAD.top + plotH + 18}" text-anchor="middle" fill="#555">${v}</text>`);
  }
  out.push(`<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle">send rate (messages/s, groups of 10)</text>`);
  out.push(`<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">end-to-end delivery latency</text>`);
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(opts.boundMs)}" y2="${y(opts.boundMs)}" stroke="#c00" stroke-dasharray="2 3"/>`);
  out.push(`<text x="${PAD.left + plotW - 4}" y="${y(opts.boundMs) - 5}" text-anchor="end" fill="#c00">p99 bound ${opts.boundMs} ms</text>`);

  series.forEach((s, i) => {
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const path = s.points.map((p, j) => `${j ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) out.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = PAD.top + 12 + i * 20;
    out.push(`<line x1="${W - PAD.right + 14}" x2="${W - PAD.right + 44}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${W - PAD.right + 50}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

export interface CurveChartOptions {
  title: string;
  /** the x axis runs from 0 to xMax (seconds) */
  xMax: number;
  xLabel: string;
  /** the left axis runs from 0 to yMax (counts) */
  yMax: number;
  yLabel: string;
  /** a vertical dashed line at this x, with its label (a time bound) */
  bound?: { x: number; label: string };
  /** series drawn against a right axis of their own from 0 to `max` (CPU %, say) */
  right?: { label: string; max: number; unit: string; series: Series[] };
}

/** Round steps for an axis from 0 to `max`, about `count` of them. */
function ticks(max: number, count: number): number[] {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step / 1e6; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

/**
 * A linear-axes line chart of curves over time (the reconnect storm's clients back against seconds
 * since the server accepted again), in the same look as latencyChart: series without dots, steps
 * as given; optional right-axis series (drawn thinner) and a vertical bound.
 */
export function curveChart(series: Series[], opts: CurveChartOptions): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + (Math.min(v, opts.xMax) / opts.xMax) * plotW;
  const y = (v: number) => PAD.top + plotH - (Math.min(v, opts.yMax) / opts.yMax) * plotH;
  const yRight = (v: number) => PAD.top + plotH - (Math.min(v, opts.right?.max ?? 1) / (opts.right?.max ?? 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="22" font-size="15" font-weight="600">${esc(opts.title)}</text>`,
  ];
  for (const v of ticks(opts.yMax, 5)) {
    out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PAD.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#555">${v.toLocaleString("en-US")}</text>`);
  }
  for (const v of ticks(opts.xMax, 8)) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(v)}" y="${PAD.top + plotH + 18}" text-anchor="middle" fill="#555">${v}</text>`);
  }
  if (opts.right) {
    for (const v of ticks(opts.right.max, 5)) out.push(`<text x="${PAD.left + plotW + 6}" y="${yRight(v) + 4}" fill="#888">${v}${esc(opts.right.unit)}</text>`);
  }
  out.push(`<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  if (opts.bound) {
    out.push(`<line x1="${x(opts.bound.x)}" x2="${x(opts.bound.x)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#c00" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${x(opts.bound.x) - 4}" y="${PAD.top + 14}" text-anchor="end" fill="#c00">${esc(opts.bound.label)}</text>`);
  }
  const legend: { label: string; color: string; dash: string; width: number }[] = [];
  const draw = (s: Series, scale: (v: number) => number, width: number) => {
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const path = s.points.map((p, j) => `${j ? "L" : "M"}${x(p.x).toFixed(1)},${scale(p.y).toFixed(1)}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="${width}"${dash}/>`);
    legend.push({ label: s.label, color: s.color, dash, width });
  };
  for (const s of series) draw(s, y, 2);
  for (const s of opts.right?.series ?? []) draw(s, yRight, 1.25);
  legend.forEach((l, i) => {
    const ly = PAD.top + 12 + i * 20;
    out.push(`<line x1="${W - PAD.right + 44}" x2="${W - PAD.right + 74}" y1="${ly}" y2="${ly}" stroke="${l.color}" stroke-width="${l.width}"${l.dash}/>`);
    out.push(`<text x="${W - PAD.right + 80}" y="${ly + 4}">${esc(l.label)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
