// The two things src/ does differently in Node (the tslab kernel, scripts, tests) and in a web page (the
// course site running cells live). This file is the Node side; src/platform.browser.ts is the page's, with
// the same exports. Bundlers pick the browser file through package.json's "browser" field (esbuild and
// Vite follow it), so no other module asks where it runs, and none imports tslab or node:fs for these.
import * as fs from "node:fs";
import * as path from "node:path";
import { PNG } from "pngjs";
import type { DisplayWriter } from "./display";

/**
 * tslab's writer for display data with several MIME types. Its public `display` sends one type per output,
 * so this uses the internal `require("tslab/dist/jupyter").lastWriteDisplayData`, which is not public API:
 * this is the only place that touches it. Null outside a kernel (tests, scripts).
 */
export function kernelWriter(): DisplayWriter | null {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: DisplayWriter | null };
    return typeof jupyter.lastWriteDisplayData === "function" ? jupyter.lastWriteDisplayData : null;
  } catch {
    return null;
  }
}

/** plotly.js's minified source, to inline in the first figure of a kernel session (no CDN: works offline). */
export function plotlyLibrary(): string | null {
  return fs.readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
}

/** PNG file bytes of an RGBA image (width × height × 4 bytes), encoded by pngjs. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  return PNG.sync.write(png);
}

/** dist/kernels/simd/, where `npm run build` puts the course's own wasm kernels; found from src/ (tsx) and dist/ alike. */
export const COURSE_WASM_DIR = path.join(__dirname, "..", "dist", "kernels", "simd");

/** The bytes of one of the course's wasm kernel binaries; a one-line error names the command when it is not built. */
export function courseWasm(file: string): Uint8Array {
  const full = path.join(COURSE_WASM_DIR, file);
  if (!fs.existsSync(full)) throw new Error(`The course's wasm kernels are not built (${full} is missing): run "npm run build".`);
  return fs.readFileSync(full);
}

/**
 * Starts a helper thread running `source` (plain JavaScript defining `start(data)`) with `data` (structured-cloned:
 * a shared WebAssembly.Memory and a compiled module pass as themselves). The helper never keeps Node running.
 */
export function spawnKernelWorker(source: string, data: unknown): void {
  const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
  const worker = new Worker(`${source}\nstart(require("node:worker_threads").workerData);`, { eval: true, workerData: data });
  worker.unref();
}
