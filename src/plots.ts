// Plotly figures for notebooks: line charts, heatmaps, bar charts and scatter plots.
//
// How a figure travels: one display_data bundle with two representations of the same figure.
// - "application/vnd.plotly.v1+json" = {data, layout, config} as an OBJECT. JupyterLab with the
//   jupyterlab-plotly extension and the course site (one local plotly.js) draw from this.
// - "text/html": a <div> plus a small <script> calling Plotly.newPlot. nbconvert HTML and JupyterLab
//   without the extension render this. The first figure of a kernel session also inlines
//   plotly.js (the 4.8 MB minified build, read from node_modules: no CDN, works offline), later
//   figures reuse window.Plotly, as plotly.py's offline notebook renderer does. An update replaces the
//   whole output, so a live figure that carried the library sends it again in its final frame (the
//   one a saved notebook keeps), but not in the frames in between, which the open page draws with
//   the window.Plotly it already has.
// A PNG snapshot would need a headless browser per figure; the JSON + HTML pair needs none.

import { LiveDisplay, MimeBundle, randomId } from "./display";
import { plotlyLibrary } from "./platform";

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

const PLOTLY_MIME = "application/vnd.plotly.v1+json";
const CONFIG = { responsive: true, displaylogo: false };

interface Axes {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  height?: number;
  /** Zooms the y axis, e.g. [0.95, 1] so that accuracies a point apart look a point apart. */
  yRange?: [number, number];
  xLog?: boolean;
}

/** Top margin for a figure with a title: room for the mode bar above the title. */
export const TITLE_MARGIN = 66;

/** A title just above the plot area, under the mode bar (top right of the figure), never behind it. */
export function plotTitle(text: string) {
  return { text, y: 1, yref: "paper", yanchor: "bottom", pad: { b: 10 } };
}

function layout({ title, xTitle, yTitle, height = 360, yRange, xLog }: Axes, extra: Record<string, unknown> = {}) {
  return {
    title: title ? plotTitle(title) : undefined,
    xaxis: { title: { text: xTitle ?? "" }, ...(xLog ? { type: "log" } : {}) },
    yaxis: { title: { text: yTitle ?? "" }, ...(yRange ? { range: yRange } : {}) },
    height,
    margin: { l: 60, r: 20, t: title ? TITLE_MARGIN : 20, b: 50 },
    ...extra,
  };
}

export interface Series {
  name: string;
  y: number[];
  x?: number[];
  /** ± spread of each point (e.g. the standard deviation over seeds), drawn as error bars. */
  error?: number[];
}

const errorBars = (error?: number[]) => (error ? { error_y: { type: "data", array: error, visible: true } } : {});

/** A y range that shows differences between accuracies: from just below the smallest to 1 (or just above the largest). */
export function accuracyRange(values: number[], pad = 0.01): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const low = Math.max(0, Math.floor((Math.min(...finite) - pad) * 100) / 100);
  return [low, Math.min(1.0005, Math.max(...finite) + pad / 2)];
}

/** Lines (with markers when short), e.g. loss per epoch for training and validation. */
export function lineChart(series: Series[], axes: Axes = {}): Figure {
  const data = series.map((s) => ({
    type: "scatter",
    mode: s.y.length <= 30 ? "lines+markers" : "lines",
    name: s.name,
    x: s.x ?? s.y.map((_, i) => i + 1),
    y: s.y,
    ...errorBars(s.error),
  }));
  return { data, layout: layout(axes), config: CONFIG };
}

/** Grouped bars: one trace per series over shared categories. */
export function barChart(categories: (string | number)[], series: Omit<Series, "x">[], axes: Axes = {}): Figure {
  const data = series.map((s) => ({ type: "bar", name: s.name, x: categories.map(String), y: s.y, ...errorBars(s.error) }));
  return { data, layout: layout(axes, { barmode: "group", showlegend: series.length > 1 }), config: CONFIG };
}

/** Points coloured by group (one trace per group, so the legend names them). */
export function scatterPlot(x: ArrayLike<number>, y: ArrayLike<number>, groups: ArrayLike<number | string>, axes: Axes = {}): Figure {
  const byGroup = new Map<string, { x: number[]; y: number[] }>();
  for (let i = 0; i < x.length; i++) {
    const key = String(groups[i]);
    if (!byGroup.has(key)) byGroup.set(key, { x: [], y: [] });
    byGroup.get(key)!.x.push(x[i]);
    byGroup.get(key)!.y.push(y[i]);
  }
  const keys = [...byGroup.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const data = keys.map((k) => ({ type: "scattergl", mode: "markers", name: k, marker: { size: 4, opacity: 0.7 }, ...byGroup.get(k) }));
  return { data, layout: layout(axes), config: CONFIG };
}

/** A matrix as coloured cells with the values written in, e.g. a confusion matrix (rows = true class). */
export interface HeatmapOptions {
  /**
   * Scale the colours to the largest value off the diagonal, so small off-diagonal counts (a confusion
   * matrix's mistakes) get the whole colour range; the diagonal saturates, and its numbers stay printed.
   */
  saturateDiagonal?: boolean;
}

export function heatmap(z: number[][], rowLabels: string[], colLabels: string[], axes: Axes = {}, options: HeatmapOptions = {}): Figure {
  const offDiagonal = z.flatMap((row, i) => row.filter((_, j) => j !== i));
  const zmax = options.saturateDiagonal && offDiagonal.length ? Math.max(1, ...offDiagonal) : undefined;
  const data = [
    {
      type: "heatmap",
      z,
      ...(zmax === undefined ? {} : { zmin: 0, zmax, colorbar: { title: { text: "off-diagonal<br>count" } } }),
      x: colLabels,
      y: rowLabels,
      colorscale: "Blues",
      reversescale: true, // plotly's "Blues" runs dark → light; zero should be white
      text: z.map((row) => row.map(String)),
      texttemplate: "%{text}",
      hovertemplate: "row %{y}, column %{x}: %{z}<extra></extra>",
    },
  ];
  // Reverse the y axis so row 0 is at the top, as a matrix is read.
  return { data, layout: layout({ height: 460, ...axes }, { yaxis: { title: { text: axes.yTitle ?? "" }, autorange: "reversed", type: "category" }, xaxis: { title: { text: axes.xTitle ?? "" }, type: "category" } }), config: CONFIG };
}

let plotlySource: string | null | undefined;
/** Display id of the output that inlined plotly.js in this kernel session. */
let libraryCarrier: string | null = null;

/** plotly.js as a script element, or "" where the page has its own (src/platform.browser.ts). */
function plotlyScript(): string {
  if (plotlySource === undefined) plotlySource = plotlyLibrary()?.replace(/<\/script/gi, "<\\/script") ?? null;
  return plotlySource === null ? "" : `<script type="text/javascript">${plotlySource}</script>`;
}

/** The MIME bundle for a figure; with `inlinePlotly` its HTML also carries plotly.js itself. */
export function figureBundle(fig: Figure, inlinePlotly = false): MimeBundle {
  const id = `plotly-${randomId(6)}`;
  const json = JSON.stringify(fig).replace(/</g, "\\u003c");
  const html =
    (inlinePlotly ? plotlyScript() : "") +
    `<div id="${id}" style="width:100%;min-height:${fig.layout.height ?? 360}px"></div>` +
    `<script type="text/javascript">(function(){var el=document.getElementById("${id}");var f=${json};` +
    `if(window.Plotly){window.Plotly.newPlot(el,f.data,f.layout,f.config);}` +
    `else{el.textContent="(This plot needs plotly.js, which loads with the first plot of a kernel session: re-run the notebook to see it.)";}})();</script>`;
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? "untitled";
  return { [PLOTLY_MIME]: fig, "text/html": html, "text/plain": `<plot: ${title}>` };
}

// Sends a figure to output `out`. plotly.js goes with the first output of the session; a live figure
// that carried it sends it again only in its final state (`finish`), not in every intermediate frame.
function send(fig: Figure, out: LiveDisplay, final: boolean): void {
  const first = libraryCarrier === null;
  const inline = first || (final && libraryCarrier === out.id);
  if (out.show(figureBundle(fig, inline)) && first) libraryCarrier = out.id;
}

/** Shows a figure in the notebook (nothing outside a kernel). */
export function showFigure(fig: Figure): void {
  send(fig, new LiveDisplay(), true);
}

/** A figure redrawn in place, e.g. training curves that grow every epoch. */
export class LiveFigure {
  private readonly out = new LiveDisplay();
  /** An intermediate frame. */
  show(fig: Figure): void {
    send(fig, this.out, false);
  }
  /** The final frame: the one a saved notebook keeps. */
  finish(fig: Figure): void {
    send(fig, this.out, true);
  }
}
