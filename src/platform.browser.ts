// The web page's side of src/platform.ts (see there): the same exports, no Node.

import type { DisplayWriter } from "./display";

/** No kernel in a page: the live runtime registers its own writer with `setDisplayWriter`. */
export function kernelWriter(): DisplayWriter | null {
  return null;
}

/** Null: a course page loads plotly.js once itself, so figures use the page's `window.Plotly`. */
export function plotlyLibrary(): string | null {
  return null;
}

/** PNG file bytes of an RGBA image (width × height × 4 bytes), encoded by the browser's canvas. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const canvas = document.createElement("canvas");
  [canvas.width, canvas.height] = [width, height];
  const context = canvas.getContext("2d");
  if (!context) throw new Error("encodePng: this browser gives no 2D canvas context to draw the image with");
  context.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height), 0, 0);
  const binary = atob(canvas.toDataURL("image/png").slice("data:image/png;base64,".length));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const wasmBinaries = new Map<string, Uint8Array>();

/** Hands the page's copy of one of the course's wasm kernel binaries to `courseWasm` (the page fetches them first). */
export function provideCourseWasm(file: string, bytes: Uint8Array): void {
  wasmBinaries.set(file, bytes);
}

/** The bytes given to `provideCourseWasm`; a page that did not fetch them gets an error saying so. */
export function courseWasm(file: string): Uint8Array {
  const bytes = wasmBinaries.get(file);
  if (!bytes) throw new Error(`The course's wasm kernel ${file} was not loaded into this page: initBackend() fetches it before the wasm backend starts.`);
  return bytes;
}

/**
 * The page's files, by path: the dataset files the loaders fetched (at their cache paths, data/<name>/…) and what
 * cells wrote. The page's `node:fs` (scripts/site/live/node/fs.ts) reads and writes here.
 */
export const pageFiles = new Map<string, Uint8Array>();

/** The SHA-256 of `bytes` as lowercase hex, by Web Crypto (the page's checks of the files it fetches). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Starts a helper Worker running `source` (plain JavaScript defining `start(data)`), and sends it `data`. */
export function spawnKernelWorker(source: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([`${source}\nself.onmessage = (event) => start(event.data);`], { type: "text/javascript" }));
  new Worker(url).postMessage(data);
}
