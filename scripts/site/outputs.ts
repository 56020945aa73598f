// Cell outputs → HTML. Text outputs are always escaped; text/html and SVG are trusted as the notebook wrote them.
import type * as nbformat from "@jupyterlab/nbformat";
import type MarkdownIt from "markdown-it";
import katex from "katex";
import { AnsiUp } from "ansi_up";
import { escapeHtml, joinSource, scriptJson } from "./html";
import type { PageEnv } from "./markdown";
import { METRICS_MIME } from "../../src/report";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Richest first: the first MIME type in a bundle that appears here is the one shown. */
const MIME_ORDER = [
  PLOTLY_MIME,
  METRICS_MIME,
  "text/html",
  "image/svg+xml",
  "image/png",
  "image/jpeg",
  "image/gif",
  "text/markdown",
  "text/latex",
  "application/json",
  "text/plain",
] as const;

export interface OutputEnv extends PageEnv {
  plotly: number;
}

function ansiToHtml(text: string): string {
  const ansi = new AnsiUp();
  ansi.use_classes = true; // colours come from the theme's CSS, so they work in light and dark
  return ansi.ansi_to_html(text);
}

function textBlock(text: string, className: string): string {
  return `<pre class="output ${className}">${ansiToHtml(text)}</pre>`;
}

function metricsTable(metrics: Record<string, unknown>): string {
  const rows = Object.entries(metrics)
    .map(([name, value]) => {
      // Four significant digits, not four decimals: 2.5e-7 must not show as 0.0000.
      const shown = typeof value === "number" && !Number.isInteger(value) ? String(Number(value.toPrecision(4))) : String(value);
      return `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(shown)}</td></tr>`;
    })
    .join("");
  return `<table class="output metrics"><caption>Reported metrics</caption><tbody>${rows}</tbody></table>`;
}

function plotlyFigure(value: unknown, env: OutputEnv): string {
  // tslab's raw() stores the figure as a JSON string; the agreed contract is an object. Accept both.
  const figure = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;
  env.plotly += 1;
  const id = `plotly-${env.plotly}`;
  return `<div class="output plotly-figure" id="${id}"></div><script type="application/json" data-plotly-for="${id}">${scriptJson(figure)}</script>`;
}

/** Alt text for an image: the bundle's text/plain, e.g. "<digits 0-9>", without the angle brackets. */
function altText(bundle: nbformat.IMimeBundle): string {
  const plain = bundle["text/plain"];
  return plain === undefined ? "cell output" : joinSource(plain as string | string[]).replace(/^<(.*)>$/s, "$1");
}

function mimeToHtml(mime: string, bundle: nbformat.IMimeBundle, md: MarkdownIt, env: OutputEnv): string {
  const value = bundle[mime];
  const text = () => joinSource(value as string | string[]);
  switch (mime) {
    case PLOTLY_MIME:
      return plotlyFigure(value, env);
    case METRICS_MIME:
      return metricsTable(value as Record<string, unknown>);
    case "text/html":
      return `<div class="output html">${text()}</div>`;
    case "image/svg+xml":
      return `<div class="output image svg">${text()}</div>`;
    case "image/png":
    case "image/jpeg":
    case "image/gif":
      return `<div class="output image"><img alt="${escapeHtml(altText(bundle))}" src="data:${mime};base64,${text().replace(/\s/g, "")}"></div>`;
    case "text/markdown":
      return `<div class="output markdown">${md.render(text(), env)}</div>`;
    case "text/latex":
      return `<div class="output latex">${katex.renderToString(text().replace(/^\$\$?|\$\$?$/g, ""), { displayMode: true, throwOnError: false })}</div>`;
    case "application/json":
      return `<pre class="output json">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
    default:
      return textBlock(text(), "plain");
  }
}

function bundleToHtml(bundle: nbformat.IMimeBundle, md: MarkdownIt, env: OutputEnv): string {
  const mime = MIME_ORDER.find((m) => bundle[m] !== undefined);
  if (mime) return mimeToHtml(mime, bundle, md, env);
  const kinds = Object.keys(bundle).join(", ") || "nothing";
  return `<p class="output unsupported">This output (${escapeHtml(kinds)}) cannot be shown on the site.</p>`;
}

/** `cellFailed`: tslab reports exceptions on stderr, so stderr of a failed cell is styled as an error;
 *  elsewhere stderr holds warnings (a backend fallback, a deprecation) and is styled as such. */
export function renderOutput(output: nbformat.IOutput, md: MarkdownIt, env: OutputEnv, cellFailed: boolean): string {
  switch (output.output_type) {
    case "stream": {
      const stream = output as nbformat.IStream;
      const kind = stream.name !== "stderr" ? "stdout" : cellFailed ? "stderr error" : "stderr";
      return textBlock(joinSource(stream.text), `stream ${kind}`);
    }
    case "error": {
      const error = output as nbformat.IError;
      const traceback = error.traceback?.length ? error.traceback.join("\n") : `${error.ename}: ${error.evalue}`;
      return textBlock(traceback, "error");
    }
    case "display_data":
    case "execute_result":
      return bundleToHtml((output as nbformat.IDisplayData).data, md, env);
    default:
      return "";
  }
}
