// Rich output for notebooks: multi-MIME display bundles and in-place updates by display id.
// tslab's public `display` sends one MIME type per output. A bundle with several (plotly JSON + HTML,
// PNG + text) needs tslab's internal writer `require("tslab/dist/jupyter").lastWriteDisplayData`,
// which is not public API, so this module is the only place that touches it.
// Outside a kernel (tests, scripts) there is no writer: display() returns false and writes nothing,
// and callers decide whether to print a plain-text fallback.

import { randomBytes } from "node:crypto";

/** MIME type → content. Binary images are base64 strings, JSON types are objects. */
export type MimeBundle = Record<string, unknown>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type Writer = (msg: DisplayMessage, update: boolean) => void;

function kernelWriter(): Writer | null {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: Writer | null };
    return typeof jupyter.lastWriteDisplayData === "function" ? jupyter.lastWriteDisplayData : null;
  } catch {
    return null;
  }
}

/** True when running inside a tslab kernel that can receive display data. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

export interface DisplayOptions {
  /** Reuse an id to replace that output later (update_display_data). */
  displayId?: string;
  /** Send as an update of `displayId` instead of a new output. */
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** Sends a MIME bundle to the notebook. Returns false (and does nothing) outside a kernel. */
export function display(data: MimeBundle, { displayId, update = false, metadata = {} }: DisplayOptions = {}): boolean {
  const write = kernelWriter();
  if (!write) return false;
  write({ data, metadata, transient: displayId ? { display_id: displayId } : {} }, update && displayId !== undefined);
  return true;
}

/** One output cell area that can be redrawn in place, e.g. a progress line or a live chart. */
export class LiveDisplay {
  readonly id = randomBytes(8).toString("hex");
  private shown = false;

  /** The first call creates the output, later calls replace it. */
  show(data: MimeBundle): boolean {
    const ok = display(data, { displayId: this.id, update: this.shown });
    this.shown ||= ok;
    return ok;
  }
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Shows a table as HTML with a plain-text twin; outside a kernel prints the text. */
export function showTable(headers: string[], rows: (string | number)[][]): void {
  const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : v);
  const html =
    `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(cell(v))}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => cell(r[i]).length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i])).join("  ");
  const text = [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(r.map(cell)))].join("\n");
  if (!display({ "text/html": html, "text/plain": text })) console.log(text);
}

/** Shows a PNG image (with alt text); outside a kernel prints the alt text. */
export function showPng(png: Uint8Array, alt = "image"): void {
  const data = { "image/png": Buffer.from(png).toString("base64"), "text/plain": `<${alt}>` };
  if (!display(data)) console.log(`<${alt}>`);
}
