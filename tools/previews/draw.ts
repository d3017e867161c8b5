/**
 * Draws a dashboard preview page: each panel's query results as a small inline-SVG chart at the
 * panel's gridPos, on a dark background like Grafana's. Pure string building (no DOM), so
 * render.ts can hand the page to Chromium for a screenshot. Not Grafana: a stand-in for a screenshot
 * on machines without a Grafana server.
 */

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One drawn line: its legend name, points (unix seconds, value; NaN = gap) and style. */
export interface Line {
  name: string;
  points: Array<[number, number]>;
  color: string;
  dashed: boolean;
  width: number;
}

interface TimeseriesPanel {
  kind: 'timeseries';
  title: string;
  gridPos: GridPos;
  unit: string;
  min?: number;
  stacked: boolean;
  lines: Line[];
  /** Fixed horizontal dashed lines (thresholdsStyle: dashed). */
  thresholds: Array<{ value: number; color: string }>;
}

interface HeatmapPanel {
  kind: 'heatmap';
  title: string;
  gridPos: GridPos;
  unit: string;
  /** Bucket upper bounds, ascending ("+Inf" last). */
  buckets: string[];
  /** Column end times; each column covers the `cellSeconds` before it. */
  times: number[];
  cellSeconds: number;
  /** cells[time][bucket]: observations per second in that bucket (not cumulative); NaN = no data. */
  cells: number[][];
}

export interface TextPanel {
  kind: 'text';
  title: string;
  gridPos: GridPos;
  /** Markdown, like the items. */
  subtitle: string;
  /** Markdown list items (bold and code spans are rendered). */
  items: string[];
}

interface RowPanel {
  kind: 'row';
  title: string;
  gridPos: GridPos;
}

export type PreviewPanel = TimeseriesPanel | HeatmapPanel | TextPanel | RowPanel;

export interface PreviewPage {
  title: string;
  /** Lines under the title, what this image is: HTML, written by render.ts (no outside text). */
  notes: string[];
  from: number;
  to: number;
  /** Shaded regions (incident windows), drawn on every chart. */
  regions: Array<{ from: number; to: number; label: string }>;
  /** Vertical marks ("What changed" annotations). */
  marks: number[];
  panels: PreviewPanel[];
}

// ---------------------------------------------------------------------------------------------------
// Layout and colours (Grafana's dark theme, approximately)

export const PAGE_WIDTH = 1400;
const PAD = 16;
/** Grafana's grid: 24 columns; a height unit is 30 px plus an 8 px gap. We draw units a bit taller. */
const UNIT = 34;
const GAP = 8;
const COLUMN = (PAGE_WIDTH - 2 * PAD + GAP) / 24;
const HEADER = 92;

const BG = '#111217';
const PANEL_BG = '#181b1f';
const BORDER = '#2d3035';
const TEXT = '#ccccdc';
const MUTED = '#8e8e9e';
const GRID = '#2a2d33';
const FONT = "'DejaVu Sans', sans-serif";
const LEGEND_FONT_PX = 11;
/** DejaVu Sans averages about 0.6 em per character: enough to estimate legend wrapping. */
const CHAR_PX = LEGEND_FONT_PX * 0.62;

/** Grafana's classic palette, in order. */
export const PALETTE = [
  '#73BF69',
  '#F2CC0C',
  '#8AB8FF',
  '#FF780A',
  '#F2495C',
  '#5794F2',
  '#B877D9',
  '#705DA0',
  '#37872D',
  '#FADE2A',
  '#447EBC',
  '#C15C17',
];
const NAMED: Record<string, string> = {
  blue: '#5794F2',
  orange: '#FF9830',
  red: '#F2495C',
  green: '#73BF69',
  purple: '#B877D9',
  yellow: '#FADE2A',
};
export const namedColor = (name: string) => NAMED[name] ?? name;
const REGION_FILL = 'rgba(242, 73, 92, 0.13)';
const REGION_TEXT = '#ff7383';
const MARK = '#B877D9';
/** Dark-to-bright oranges: Grafana's "Oranges" scheme as it looks on the dark theme. */
const ORANGES = ['#3b1c07', '#7f2704', '#c2410c', '#f16913', '#fd8d3c', '#fdbe85', '#feedde'];

/** Every colour a chart draws with, for the palette PNG (png.ts). */
export const CHART_COLOURS = [...PALETTE, ...Object.values(NAMED), MARK, REGION_TEXT, ...ORANGES];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function px(gridPos: GridPos) {
  return {
    left: PAD + gridPos.x * COLUMN,
    top: HEADER + gridPos.y * (UNIT + GAP),
    width: gridPos.w * COLUMN - GAP,
    height: gridPos.h * (UNIT + GAP) - GAP,
  };
}

// ---------------------------------------------------------------------------------------------------
// Scales and number formats

/** Round tick steps: 1, 2, 2.5, 5 × 10^n, about `count` of them over [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): { lo: number; hi: number; ticks: number[]; step: number } {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceTicks(lo - d, hi + d, count);
  }
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { lo: first, hi: last, ticks, step };
}

function decimalsFor(step: number): number {
  for (let d = 0; d < 8; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) {
      return d;
    }
  }
  return 8;
}

/** A value with the panel's unit, as Grafana writes tick labels; `step` sets the decimals. */
function formatValue(value: number, unit: string, step: number): string {
  const fixed = (v: number, s: number) => v.toFixed(decimalsFor(s));
  switch (unit) {
    case 'percentunit':
      return `${fixed(value * 100, step * 100)}%`;
    case 's':
      if (value === 0) {
        return '0 s';
      }
      return Math.abs(value) < 1 ? `${fixed(value * 1000, step * 1000)} ms` : `${fixed(value, step)} s`;
    case 'reqps':
      return `${fixed(value, step)} req/s`;
    case 'ops':
      return `${fixed(value, step)} ops/s`;
    case 'short':
      return Math.abs(value) >= 1000 ? `${fixed(value / 1000, step / 1000)}k` : fixed(value, step);
    default:
      return fixed(value, step);
  }
}

/** A bucket bound as a heatmap row label: the `le` value itself, in ms or s for durations. */
function formatBound(le: string, unit: string): string {
  const v = Number(le);
  if (le === '+Inf' || unit !== 's') {
    return le;
  }
  return v < 1 ? `${Number((v * 1000).toPrecision(6))} ms` : `${v} s`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
function clock(t: number): string {
  const d = new Date(t * 1000);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

function timeTicks(from: number, to: number, width: number): number[] {
  const fit = Math.max(2, Math.floor(width / 70));
  const interval = [900, 1800, 3600, 7200, 10800, 21600].find((s) => (to - from) / s <= fit) ?? 21600;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / interval) * interval; t <= to; t += interval) {
    ticks.push(t);
  }
  return ticks;
}

// ---------------------------------------------------------------------------------------------------
// Charts

interface Plot {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Incident regions, change marks and the time axis (with grid lines unless `grid` is false). */
function timeFrame(page: PreviewPage, plot: Plot, tx: (t: number) => number, grid = true): string[] {
  const out: string[] = [];
  // Region labels go last, so no grid line crosses them.
  const labels: string[] = [];
  for (const r of page.regions) {
    const a = Math.max(plot.x, tx(r.from));
    const b = Math.min(plot.x + plot.w, tx(r.to));
    if (b > a) {
      out.push(
        `<rect x="${a.toFixed(1)}" y="${plot.y}" width="${(b - a).toFixed(1)}" height="${plot.h}" fill="${REGION_FILL}"/>`
      );
      labels.push(
        `<text x="${(a + 3).toFixed(1)}" y="${plot.y + 10}" font-size="9" fill="${REGION_TEXT}">${escapeHtml(r.label)}</text>`
      );
    }
  }
  for (const t of page.marks) {
    const x = tx(t);
    if (x >= plot.x && x <= plot.x + plot.w) {
      out.push(
        `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${plot.y}" y2="${plot.y + plot.h}" stroke="${MARK}" stroke-width="1" stroke-dasharray="2 3"/>`,
        `<path d="M${(x - 4).toFixed(1)} ${plot.y + plot.h + 6} l4 -6 l4 6 z" fill="${MARK}"/>`
      );
    }
  }
  for (const t of timeTicks(page.from, page.to, plot.w)) {
    const x = tx(t).toFixed(1);
    if (grid) {
      out.push(`<line x1="${x}" x2="${x}" y1="${plot.y}" y2="${plot.y + plot.h}" stroke="${GRID}"/>`);
    }
    out.push(
      `<text x="${x}" y="${plot.y + plot.h + 16}" font-size="10" fill="${MUTED}" text-anchor="middle">${clock(t)}</text>`
    );
  }
  return [...out, ...labels];
}

function legendLines(names: string[], width: number): number {
  let lines = 1;
  let used = 0;
  for (const name of names) {
    const item = 22 + name.length * CHAR_PX + 14;
    if (used > 0 && used + item > width) {
      lines++;
      used = 0;
    }
    used += item;
  }
  return lines;
}

function legendHtml(lines: Line[]): string {
  const items = lines.map((l) => {
    const swatch = `<svg width="18" height="8"><line x1="0" x2="18" y1="4" y2="4" stroke="${l.color}" stroke-width="${l.dashed ? 1.5 : 3}"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/></svg>`;
    return `<span class="item">${swatch}${escapeHtml(l.name)}</span>`;
  });
  return `<div class="legend">${items.join('')}</div>`;
}

function path(points: Array<[number, number]>, tx: (t: number) => number, ty: (v: number) => number, step: number) {
  let d = '';
  let previous: number | undefined;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) {
      previous = undefined;
      continue;
    }
    // A gap in the samples (no series at those steps) breaks the line, as spanNulls: false does.
    const move = previous === undefined || t - previous > 1.5 * step;
    d += `${move ? 'M' : 'L'}${tx(t).toFixed(1)} ${ty(v).toFixed(1)}`;
    previous = t;
  }
  return d;
}

function timeseriesSvg(page: PreviewPage, panel: TimeseriesPanel, width: number, height: number, step: number) {
  let lines = panel.lines;
  if (panel.stacked) {
    // Stack in series order: each line is drawn at the running sum of the ones before it.
    const sums = new Map<number, number>();
    lines = panel.lines.map((l) => ({
      ...l,
      points: l.points.map(([t, v]): [number, number] => {
        const total = (sums.get(t) ?? 0) + (Number.isFinite(v) ? v : 0);
        sums.set(t, total);
        return [t, Number.isFinite(v) ? total : NaN];
      }),
    }));
  }
  const values = lines.flatMap((l) => l.points.map(([, v]) => v)).filter(Number.isFinite);
  const plot: Plot = { x: 74, y: 6, w: width - 74 - 22, h: height - 6 - 22 };
  if (values.length === 0) {
    return `<svg width="${width}" height="${height}"><text x="${width / 2}" y="${height / 2}" font-size="13" fill="${MUTED}" text-anchor="middle">No data</text></svg>`;
  }
  let lo = Math.min(...values, ...panel.thresholds.map((t) => t.value));
  let hi = Math.max(...values, ...panel.thresholds.map((t) => t.value));
  if (panel.min !== undefined) {
    lo = panel.min;
  }
  if (panel.stacked) {
    lo = Math.min(0, lo);
  }
  const scale = niceTicks(lo, hi, Math.max(3, Math.floor(plot.h / 32)));
  const tx = (t: number) => plot.x + ((t - page.from) / (page.to - page.from)) * plot.w;
  const ty = (v: number) => plot.y + plot.h - ((v - scale.lo) / (scale.hi - scale.lo)) * plot.h;
  const out: string[] = [];
  for (const v of scale.ticks) {
    const y = ty(v).toFixed(1);
    out.push(
      `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y}" y2="${y}" stroke="${GRID}"/>`,
      `<text x="${plot.x - 6}" y="${(ty(v) + 3.5).toFixed(1)}" font-size="10" fill="${MUTED}" text-anchor="end">${escapeHtml(formatValue(v, panel.unit, scale.step))}</text>`
    );
  }
  out.push(...timeFrame(page, plot, tx));
  for (const t of panel.thresholds) {
    const y = ty(t.value).toFixed(1);
    out.push(
      `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y}" y2="${y}" stroke="${t.color}" stroke-width="1" stroke-dasharray="6 5"/>`
    );
  }
  const base = ty(Math.max(scale.lo, 0));
  lines.forEach((l, i) => {
    const d = path(l.points, tx, ty, step);
    if (!d) {
      return;
    }
    if (panel.stacked) {
      // Fill down to the line below (or the axis): the band is this series' own share.
      const below = i > 0 ? lines[i - 1].points : undefined;
      const top = l.points.filter(([, v]) => Number.isFinite(v));
      const bottom = top.map(([t]): [number, number] => [t, below?.find(([bt]) => bt === t)?.[1] ?? NaN]).reverse();
      const poly = [
        ...top.map(([t, v]) => `${tx(t).toFixed(1)},${ty(v).toFixed(1)}`),
        ...bottom.map(([t, v]) => `${tx(t).toFixed(1)},${(Number.isFinite(v) ? ty(v) : base).toFixed(1)}`),
      ];
      out.push(`<polygon points="${poly.join(' ')}" fill="${l.color}" fill-opacity="0.35"/>`);
    }
    out.push(
      `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="${l.width}" stroke-linejoin="round"${l.dashed ? ' stroke-dasharray="7 5"' : ''}/>`
    );
  });
  return `<svg width="${width}" height="${height}" font-family="${FONT}">${out.join('')}</svg>`;
}

function orange(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (ORANGES.length - 1);
  const i = Math.min(ORANGES.length - 2, Math.floor(x));
  const mix = (a: string, b: string, f: number) =>
    [1, 3, 5]
      .map((k) => Math.round(parseInt(a.slice(k, k + 2), 16) * (1 - f) + parseInt(b.slice(k, k + 2), 16) * f))
      .map((c) => c.toString(16).padStart(2, '0'))
      .join('');
  return `#${mix(ORANGES[i], ORANGES[i + 1], x - i)}`;
}

function heatmapSvg(page: PreviewPage, panel: HeatmapPanel, width: number, height: number) {
  const max = Math.max(0, ...panel.cells.flat().filter(Number.isFinite));
  if (panel.times.length === 0 || max === 0) {
    return `<svg width="${width}" height="${height}"><text x="${width / 2}" y="${height / 2}" font-size="13" fill="${MUTED}" text-anchor="middle">No data</text></svg>`;
  }
  const plot: Plot = { x: 74, y: 6, w: width - 74 - 22, h: height - 6 - 22 };
  const tx = (t: number) => plot.x + ((t - page.from) / (page.to - page.from)) * plot.w;
  const rows = panel.buckets.length;
  const rowH = plot.h / rows;
  const out: string[] = [];
  const cellW = (panel.cellSeconds / (page.to - page.from)) * plot.w;
  panel.times.forEach((t, i) => {
    panel.cells[i].forEach((v, b) => {
      // Empty cells stay background, as the dashboard's filterValues (le 1e-9) hides them.
      if (!(v > 1e-9)) {
        return;
      }
      const y = plot.y + plot.h - (b + 1) * rowH;
      out.push(
        `<rect x="${(tx(t) - cellW).toFixed(1)}" y="${(y + 0.5).toFixed(1)}" width="${(cellW + 0.4).toFixed(2)}" height="${(rowH - 1).toFixed(1)}" fill="${orange(Math.sqrt(v / max))}"/>`
      );
    });
  });
  const every = rowH >= 11 ? 1 : Math.ceil(11 / rowH);
  panel.buckets.forEach((le, b) => {
    if (b % every === 0 || b === rows - 1) {
      const y = plot.y + plot.h - (b + 0.5) * rowH + 3.5;
      out.push(
        `<text x="${plot.x - 6}" y="${y.toFixed(1)}" font-size="10" fill="${MUTED}" text-anchor="end">${escapeHtml(formatBound(le, panel.unit))}</text>`
      );
    }
  });
  out.push(...timeFrame(page, plot, tx, false));
  return `<svg width="${width}" height="${height}" font-family="${FONT}">${out.join('')}</svg>`;
}

function heatmapLegend(panel: HeatmapPanel): string {
  const max = Math.max(0, ...panel.cells.flat().filter(Number.isFinite));
  const stops = ORANGES.map((c, i) => `${c} ${Math.round((i / (ORANGES.length - 1)) * 100)}%`).join(', ');
  const label = max > 0 ? formatValue(max, 'none', niceTicks(0, max, 4).step / 10) : '0';
  return (
    `<div class="legend"><span class="item">rows: bucket upper bound (le); colour: observations/s in the bucket, 0` +
    `<span class="ramp" style="background: linear-gradient(90deg, ${stops})"></span>${escapeHtml(label)} (√ scale)</span></div>`
  );
}

// ---------------------------------------------------------------------------------------------------
// Markdown (the impact sentences) and the page

function inlineMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1');
}

function panelHtml(page: PreviewPage, panel: PreviewPanel, step: number): string {
  const box = px(panel.gridPos);
  const style = (height: number) =>
    `left:${box.left.toFixed(1)}px;top:${box.top.toFixed(1)}px;width:${box.width.toFixed(1)}px;height:${height.toFixed(1)}px`;
  if (panel.kind === 'row') {
    return `<div class="row" style="${style(box.height)}">${escapeHtml(panel.title)}</div>`;
  }
  const title = `<div class="title">${escapeHtml(panel.title)}</div>`;
  const inner = box.width - 16;
  if (panel.kind === 'text') {
    const items = panel.items.map((i) => `<li>${inlineMarkdown(i)}</li>`).join('');
    return `<div class="panel text" style="${style(box.height)}">${title}<div class="subtitle">${inlineMarkdown(panel.subtitle)}</div><ul>${items}</ul></div>`;
  }
  if (panel.kind === 'heatmap') {
    const chartH = box.height - 30 - 22;
    return `<div class="panel" style="${style(box.height)}">${title}${heatmapSvg(page, panel, inner, chartH)}${heatmapLegend(panel)}</div>`;
  }
  const legend = panel.lines.length
    ? legendLines(
        panel.lines.map((l) => l.name),
        inner
      )
    : 0;
  const chartH = box.height - 30 - legend * 17 - 6;
  return `<div class="panel" style="${style(box.height)}">${title}${timeseriesSvg(page, panel, inner, chartH, step)}${legendHtml(panel.lines)}</div>`;
}

/** The text panel's height follows its text (the dashboard gives it 16 units, mostly empty here). */
export function textPanelUnits(panel: TextPanel): number {
  const chars = panel.items.reduce((n, i) => n + Math.ceil(i.length / 170), 0);
  return Math.max(4, Math.ceil((60 + chars * 19 + panel.items.length * 6) / (UNIT + GAP)));
}

export function renderPage(page: PreviewPage, step: number): string {
  const bottom = Math.max(...page.panels.map((p) => px(p.gridPos).top + px(p.gridPos).height));
  const notes = page.notes.map((n) => `<div class="note">${n}</div>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; background: ${BG}; color: ${TEXT}; font-family: ${FONT}; }
  .page { position: relative; width: ${PAGE_WIDTH}px; height: ${Math.ceil(bottom + PAD)}px; }
  .header { position: absolute; left: ${PAD}px; top: 12px; right: ${PAD}px; }
  .header h1 { font-size: 19px; font-weight: normal; margin: 0 0 6px 0; color: #fff; }
  .note { font-size: 11.5px; color: ${MUTED}; line-height: 16px; }
  .note b { color: ${TEXT}; font-weight: normal; }
  .swatch { display: inline-block; width: 14px; height: 9px; vertical-align: middle; margin: 0 3px; }
  .row { position: absolute; font-size: 15px; color: #fff; display: flex; align-items: flex-end; padding-bottom: 4px; box-sizing: border-box; }
  .panel { position: absolute; background: ${PANEL_BG}; border: 1px solid ${BORDER}; border-radius: 2px; box-sizing: border-box; padding: 0 8px; overflow: hidden; }
  .title { height: 30px; line-height: 30px; font-size: 13px; font-weight: bold; color: ${TEXT}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .legend { display: flex; flex-wrap: wrap; column-gap: 14px; font-size: ${LEGEND_FONT_PX}px; line-height: 17px; color: ${TEXT}; }
  .legend .item { white-space: nowrap; display: inline-flex; align-items: center; gap: 4px; }
  .ramp { display: inline-block; width: 90px; height: 9px; margin: 0 4px; }
  .text .subtitle { font-size: 11.5px; color: ${MUTED}; margin-bottom: 6px; }
  .text ul { margin: 0; padding-left: 18px; font-size: 12.5px; line-height: 19px; }
  .text li { margin-bottom: 6px; }
  code { font-family: 'DejaVu Sans Mono', monospace; font-size: 11px; background: #22252b; padding: 0 3px; }
</style></head><body><div class="page">
<div class="header"><h1>${escapeHtml(page.title)}</h1>${notes}</div>
${page.panels.map((p) => panelHtml(page, p, step)).join('\n')}
</div></body></html>
`;
}
