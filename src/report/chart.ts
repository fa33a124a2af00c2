// Charts for reports (latency histograms, drift overlays, throughput curves) as PNG files that
// Slack shows inline. A chart is a pure spec → hand-written SVG → PNG via resvg, so diagnostics
// describe *what* to plot and never touch a drawing library; bad numbers (NaN, empty series,
// all zeros) draw an empty but labelled chart instead of throwing.

import { createRequire } from 'node:module';
import type { Chart } from './model.ts';

/** Overlaid semi-transparent histograms sharing bin edges, e.g. reference vs current. */
export interface HistogramSpec {
  kind: 'histogram';
  title: string;
  xLabel: string;
  /** Default `count`; pass e.g. `share` for normalised counts. */
  yLabel?: string;
  /** n+1 increasing bin edges. */
  edges: number[];
  /** One entry per series, `counts` has n values (normalised or raw, drawn as given). */
  series: Array<{ name: string; counts: number[] }>;
}

/** Grouped bars. More than 30 categories: the first 29 are drawn and the rest summed into "other". */
export interface BarsSpec {
  kind: 'bars';
  title: string;
  xLabel?: string;
  yLabel?: string;
  categories: string[];
  /** `values[i]` belongs to `categories[i]`. */
  series: Array<{ name: string; values: number[] }>;
}

/** Lines with a marker at each point, e.g. throughput vs concurrency. */
export interface LineSpec {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  series: Array<{ name: string; points: Array<[number, number]> }>;
  /** Logarithmic x axis (points with x ≤ 0 are dropped). Default false. */
  logX?: boolean;
}

export type ChartSpec = HistogramSpec | BarsSpec | LineSpec;

type ResvgModule = typeof import('@resvg/resvg-js');
let loaded: ResvgModule | undefined;
/** resvg's native module, loaded at the first chart (a run that draws none does not pay for it). */
const resvg = (): ResvgModule => (loaded ??= createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule);

/** Renders a spec to a PNG chart ready for upload (`filename` e.g. `drift-age.png`). */
export function renderChart(filename: string, spec: ChartSpec): Chart {
  const png = new (resvg()).Resvg(chartSvg(spec), {
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  return { filename, title: spec.title, pngBase64: png.toString('base64') };
}

const WIDTH = 800;
const HEIGHT = 450;
const FONT = 'DejaVu Sans';
/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const MAX_CATEGORIES = 30;
const MAX_LABEL_CHARS = 16;
/** Pixels between the frame and the first/last point, so edge markers are not cut. */
const MARKER_INSET = 14;

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The SVG source of a chart (pure; exported for tests and for embedding). */
export function chartSvg(spec: ChartSpec): string {
  const names = spec.series.map((s) => s.name);
  const legend = legendSvg(names, 40);
  const legendRows = names.length > 0 ? legend.rows : 0;
  switch (spec.kind) {
    case 'histogram':
      return page(spec.title, legend.svg, histogramBody(spec, legendRows));
    case 'bars':
      return page(spec.title, legend.svg, barsBody(spec, legendRows));
    case 'line':
      return page(spec.title, legend.svg, lineBody(spec, legendRows));
  }
}

function page(title: string, legend: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(WIDTH / 2, 26, truncate(title, 72), { size: 17, anchor: 'middle', weight: 'bold' }),
    legend,
    body,
    '</svg>',
  ].join('\n');
}

function frameFor(legendRows: number, bottom: number): Frame {
  return { left: 78, right: WIDTH - 24, top: 44 + legendRows * 20 + 10, bottom: HEIGHT - bottom };
}

// ---------- histogram ----------

function histogramBody(spec: HistogramSpec, legendRows: number): string {
  const frame = frameFor(legendRows, 58);
  const edges = spec.edges.filter(Number.isFinite);
  const increasing = edges.length >= 2 && edges.every((e, i) => i === 0 || e > (edges[i - 1] as number));
  const bins = increasing ? edges.length - 1 : 0;
  const series = spec.series.map((s) => ({
    name: s.name,
    counts: Array.from({ length: bins }, (_, i) => finiteOr0(s.counts[i])),
  }));
  const all = series.flatMap((s) => s.counts);
  const x = linearScale(increasing ? (edges[0] as number) : 0, increasing ? (edges[bins] as number) : 1, frame.left, frame.right);
  const y = linearScale(Math.min(0, ...all), Math.max(0, ...all), frame.bottom, frame.top);
  const parts = [axes(frame, x, y, spec.xLabel, spec.yLabel ?? 'count')];
  if (bins === 0 || series.length === 0) return parts.concat(noData(frame)).join('\n');
  series.forEach((s, k) => {
    const colour = colourOf(k);
    const y0 = y.map(0);
    let outline = '';
    s.counts.forEach((c, i) => {
      const x0 = x.map(edges[i] as number);
      const x1 = x.map(edges[i + 1] as number);
      const yc = y.map(c);
      parts.push(
        `<rect x="${fmt(x0)}" y="${fmt(Math.min(yc, y0))}" width="${fmt(Math.max(0, x1 - x0))}" height="${fmt(Math.abs(y0 - yc))}" fill="${colour}" fill-opacity="0.35"/>`,
      );
      outline += `${i === 0 ? `M${fmt(x0)},${fmt(y0)}` : ''}L${fmt(x0)},${fmt(yc)}L${fmt(x1)},${fmt(yc)}`;
    });
    outline += `L${fmt(x.map(edges[bins] as number))},${fmt(y0)}`;
    parts.push(`<path d="${outline}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
  });
  return parts.join('\n');
}

// ---------- bars ----------

function barsBody(spec: BarsSpec, legendRows: number): string {
  const { categories, series } = foldCategories(spec);
  const labels = categories.map((c) => truncateMiddle(c, MAX_LABEL_CHARS));
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const rotate = categories.length > 0 && longest * 7 > (WIDTH - 102) / categories.length - 4;
  const frame = frameFor(legendRows, rotate ? 40 + Math.min(longest, MAX_LABEL_CHARS) * 5.5 : 58);
  const all = series.flatMap((s) => s.values);
  const y = linearScale(Math.min(0, ...all), Math.max(0, ...all), frame.bottom, frame.top);
  const parts = [yAxis(frame, y, spec.yLabel ?? ''), frameLines(frame)];
  if (spec.xLabel) parts.push(text((frame.left + frame.right) / 2, HEIGHT - 12, truncate(spec.xLabel, 90), { size: 13, anchor: 'middle' }));
  if (categories.length === 0 || series.length === 0) return parts.concat(noData(frame)).join('\n');
  const slot = (frame.right - frame.left) / categories.length;
  const barWidth = (slot * 0.8) / series.length;
  const y0 = y.map(0);
  categories.forEach((_, i) => {
    const slotLeft = frame.left + i * slot;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      const yv = y.map(v);
      parts.push(
        `<rect x="${fmt(slotLeft + slot * 0.1 + k * barWidth)}" y="${fmt(Math.min(yv, y0))}" width="${fmt(barWidth)}" height="${fmt(Math.abs(y0 - yv))}" fill="${colourOf(k)}"/>`,
      );
    });
    const cx = slotLeft + slot / 2;
    const label = labels[i] ?? '';
    parts.push(
      rotate
        ? text(cx, frame.bottom + 14, label, { size: 11, anchor: 'end', rotate: -40 })
        : text(cx, frame.bottom + 18, label, { size: 11, anchor: 'middle' }),
    );
  });
  if (y.min < 0) parts.push(`<line x1="${frame.left}" y1="${fmt(y0)}" x2="${frame.right}" y2="${fmt(y0)}" stroke="#333333"/>`);
  return parts.join('\n');
}

/** Keeps at most 30 categories: the first 29 as given, the rest summed into "other". */
function foldCategories(spec: BarsSpec): { categories: string[]; series: Array<{ name: string; values: number[] }> } {
  const n = spec.categories.length;
  const keep = n > MAX_CATEGORIES ? MAX_CATEGORIES - 1 : n;
  const categories = spec.categories.slice(0, keep);
  if (n > keep) categories.push('other');
  const series = spec.series.map((s) => {
    const values = Array.from({ length: keep }, (_, i) => finiteOr0(s.values[i]));
    if (n > keep) values.push(s.values.slice(keep, n).reduce((sum: number, v) => sum + finiteOr0(v), 0));
    return { name: s.name, values };
  });
  return { categories, series };
}

// ---------- line ----------

function lineBody(spec: LineSpec, legendRows: number): string {
  const frame = frameFor(legendRows, 58);
  const logX = spec.logX === true;
  const series = spec.series.map((s) => ({
    name: s.name,
    points: s.points
      .filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py) && (!logX || px > 0))
      .sort((a, b) => a[0] - b[0]),
  }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const x = logX
    ? logScale(xs.length ? Math.min(...xs) : 1, xs.length ? Math.max(...xs) : 10, frame.left + MARKER_INSET, frame.right - MARKER_INSET)
    : linearScale(xs.length ? Math.min(...xs) : 0, xs.length ? Math.max(...xs) : 1, frame.left + MARKER_INSET, frame.right - MARKER_INSET, false);
  const yMin = ys.length ? Math.min(...ys) : 0;
  const y = linearScale(yMin >= 0 ? 0 : yMin, ys.length ? Math.max(...ys) : 1, frame.bottom, frame.top);
  const parts = [axes(frame, x, y, spec.xLabel, spec.yLabel)];
  if (xs.length === 0) return parts.concat(noData(frame)).join('\n');
  series.forEach((s, k) => {
    const colour = colourOf(k);
    if (s.points.length > 1) {
      const d = s.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${fmt(x.map(px))},${fmt(y.map(py))}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    }
    for (const [px, py] of s.points) {
      parts.push(marker(k, x.map(px), y.map(py), colour));
    }
  });
  return parts.join('\n');
}

/** Marker shapes differ by series so lines stay distinguishable without colour. */
function marker(k: number, cx: number, cy: number, colour: string): string {
  const r = 4;
  switch (k % 3) {
    case 0:
      return `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="${r}" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`;
    case 1:
      return `<rect x="${fmt(cx - r)}" y="${fmt(cy - r)}" width="${2 * r}" height="${2 * r}" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`;
    default:
      return `<path d="M${fmt(cx)},${fmt(cy - r - 1)}L${fmt(cx + r + 1)},${fmt(cy + r)}L${fmt(cx - r - 1)},${fmt(cy + r)}Z" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`;
  }
}

// ---------- scales and axes ----------

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  map(v: number): number;
  label(v: number): string;
}

/**
 * Linear scale over [lo, hi] onto pixels [p0, p1]. `nice` widens the domain to tick values
 * (right for counts from 0; wrong for an x axis that should start at its first point).
 */
function linearScale(lo: number, hi: number, p0: number, p1: number, nice = true): Scale {
  let min = Number.isFinite(lo) ? lo : 0;
  let max = Number.isFinite(hi) ? hi : 1;
  if (max <= min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.5;
    if (min === 0 && max === 0) max = 1;
    else {
      min -= pad;
      max += pad;
    }
  }
  const step = niceStep((max - min) / 5);
  if (nice) {
    min = Math.floor(min / step + 1e-9) * step;
    max = Math.ceil(max / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(roundTo(t, step));
  const span = max - min;
  return {
    min,
    max,
    ticks,
    map: (v) => p0 + ((v - min) / span) * (p1 - p0),
    label: (v) => formatTick(v, step, Math.max(Math.abs(min), Math.abs(max))),
  };
}

/** Log10 scale; ticks at 1-2-5 steps for short ranges, at powers of ten otherwise. */
function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  let min = Math.log10(lo);
  let max = Math.log10(hi);
  if (max <= min) {
    min -= 0.5;
    max += 0.5;
  }
  const ticks: number[] = [];
  const multipliers = max - min <= 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(min); e <= Math.ceil(max); e++) {
    for (const m of multipliers) {
      const t = m * 10 ** e;
      const lt = Math.log10(t);
      if (lt >= min - 1e-9 && lt <= max + 1e-9) ticks.push(roundTo(t, 10 ** Math.min(e, 0)));
    }
  }
  return {
    min: 10 ** min,
    max: 10 ** max,
    ticks,
    map: (v) => p0 + ((Math.log10(v) - min) / (max - min)) * (p1 - p0),
    label: (v) => formatTick(v, v >= 1 ? 1 : v, v),
  };
}

function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  const nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10;
  return nice * magnitude;
}

function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(decimals, 20)));
}

/** A tick label; one unit suffix (k, M, G) per axis, chosen by its largest value `scale`. */
function formatTick(v: number, step: number, scale: number): string {
  if (v === 0) return '0';
  if (scale < 1e-3) return v.toExponential(1);
  const [divisor, suffix] = scale >= 1e9 ? [1e9, 'G'] : scale >= 1e6 ? [1e6, 'M'] : scale >= 1e4 ? [1e3, 'k'] : [1, ''];
  return `${trim((v / divisor).toFixed(decimalsOf(step / divisor)))}${suffix}`;
}

/** Decimals needed to print multiples of `step` exactly (2.5 → 1, 0.25 → 2, 500 → 0), at most 6. */
function decimalsOf(step: number): number {
  for (let d = 0; d < 6; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 6;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function axes(frame: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string): string {
  const parts = [yAxis(frame, y, yLabel), frameLines(frame)];
  for (const t of x.ticks) {
    const px = x.map(t);
    parts.push(`<line x1="${fmt(px)}" y1="${frame.bottom}" x2="${fmt(px)}" y2="${frame.bottom + 5}" stroke="#333333"/>`);
    parts.push(text(px, frame.bottom + 19, x.label(t), { size: 11, anchor: 'middle' }));
  }
  parts.push(text((frame.left + frame.right) / 2, HEIGHT - 12, truncate(xLabel, 90), { size: 13, anchor: 'middle' }));
  return parts.join('\n');
}

function yAxis(frame: Frame, y: Scale, yLabel: string): string {
  const parts: string[] = [];
  for (const t of y.ticks) {
    const py = y.map(t);
    parts.push(`<line x1="${frame.left}" y1="${fmt(py)}" x2="${frame.right}" y2="${fmt(py)}" stroke="#e5e5e5"/>`);
    parts.push(text(frame.left - 8, py + 4, y.label(t), { size: 11, anchor: 'end' }));
  }
  const cy = (frame.top + frame.bottom) / 2;
  if (yLabel) parts.push(text(18, cy, truncate(yLabel, 40), { size: 13, anchor: 'middle', rotate: -90 }));
  return parts.join('\n');
}

function frameLines(frame: Frame): string {
  return `<path d="M${frame.left},${frame.top}L${frame.left},${frame.bottom}L${frame.right},${frame.bottom}" fill="none" stroke="#333333"/>`;
}

function noData(frame: Frame): string {
  return text((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, 'no data', { size: 15, anchor: 'middle', fill: '#777777' });
}

/** A legend in rows of swatches under the title, wrapping at the chart width. */
function legendSvg(names: string[], top: number): { svg: string; rows: number } {
  const items = names.map((n, k) => ({ name: truncate(n, 28), colour: colourOf(k) }));
  const widths = items.map((i) => 22 + i.name.length * 7 + 18);
  const rows: Array<Array<{ name: string; colour: string; width: number }>> = [[]];
  let rowWidth = 0;
  items.forEach((item, k) => {
    const width = widths[k] ?? 0;
    const row = rows[rows.length - 1] as Array<{ name: string; colour: string; width: number }>;
    if (row.length > 0 && rowWidth + width > WIDTH - 80) {
      rows.push([{ ...item, width }]);
      rowWidth = width;
    } else {
      row.push({ ...item, width });
      rowWidth += width;
    }
  });
  const parts: string[] = [];
  rows.forEach((row, r) => {
    const total = row.reduce((sum, i) => sum + i.width, 0);
    let cx = (WIDTH - total) / 2;
    const cy = top + r * 20;
    for (const item of row) {
      parts.push(`<rect x="${fmt(cx)}" y="${cy}" width="14" height="12" fill="${item.colour}" fill-opacity="0.8"/>`);
      parts.push(text(cx + 20, cy + 11, item.name, { size: 12, anchor: 'start' }));
      cx += item.width;
    }
  });
  return { svg: parts.join('\n'), rows: names.length === 0 ? 0 : rows.length };
}

// ---------- text ----------

interface TextOptions {
  size: number;
  anchor: 'start' | 'middle' | 'end';
  weight?: 'bold';
  rotate?: number;
  fill?: string;
}

function text(x: number, y: number, content: string, o: TextOptions): string {
  const transform = o.rotate === undefined ? '' : ` transform="rotate(${o.rotate} ${fmt(x)} ${fmt(y)})"`;
  const weight = o.weight ? ` font-weight="${o.weight}"` : '';
  return `<text x="${fmt(x)}" y="${fmt(y)}" font-size="${o.size}" text-anchor="${o.anchor}" fill="${o.fill ?? '#222222'}"${weight}${transform}>${escapeXml(content)}</text>`;
}

/** Escapes XML specials and drops characters XML 1.0 cannot carry (control bytes would abort parsing). */
function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Keeps both ends (`onnx::Ma…node_12`): operator and GPU names differ at the end. */
function truncateMiddle(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

function colourOf(k: number): string {
  return PALETTE[k % PALETTE.length] as string;
}

function finiteOr0(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0';
}
