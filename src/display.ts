// Rich output for notebooks: multi-MIME display bundles and in-place updates by display id.
// Where the bundles go: a writer set with `setDisplayWriter` (the live course page sets one), else the
// tslab kernel's (src/platform.ts). Outside both (tests, scripts) there is no writer: display() returns
// false and writes nothing, and callers decide whether to print a plain-text fallback.

import { kernelWriter } from "./platform";

/** MIME type → content. Binary images are base64 strings, JSON types are objects. */
export type MimeBundle = Record<string, unknown>;

export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
/** Receives one display message; `update` replaces the output with the same display id. */
export type DisplayWriter = (msg: DisplayMessage, update: boolean) => void;

let pageWriter: DisplayWriter | null = null;

/** Sends every later display to `writer` (null: back to the kernel's). For runtimes other than tslab. */
export function setDisplayWriter(writer: DisplayWriter | null): void {
  pageWriter = writer;
}

const writer = (): DisplayWriter | null => pageWriter ?? kernelWriter();

/** True when display data has somewhere to go: a tslab kernel or a writer set with `setDisplayWriter`. */
export function inKernel(): boolean {
  return writer() !== null;
}

/** `bytes` random bytes as hex, for display and element ids (Web Crypto: Node and browsers alike). */
export function randomId(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Base64 of bytes, for image/png bundles: Buffer in Node, btoa in a page. */
export function base64(bytes: Uint8Array): string {
  if (typeof Buffer !== "undefined") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
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
  const write = writer();
  if (!write) return false;
  write({ data, metadata, transient: displayId ? { display_id: displayId } : {} }, update && displayId !== undefined);
  return true;
}

/** One output cell area that can be redrawn in place, e.g. a progress line or a live chart. */
export class LiveDisplay {
  readonly id = randomId(8);
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
  const data = { "image/png": base64(png), "text/plain": `<${alt}>` };
  if (!display(data)) console.log(`<${alt}>`);
}
