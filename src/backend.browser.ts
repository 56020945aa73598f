// The web page's side of src/backend.ts: initBackend picks WebGPU, then WebGL, then wasm (with the course's
// training kernels), then plain JavaScript, and prints the same one-line summary as in Node. WebGL on a software
// renderer (a machine without a GPU) is skipped: it trains far slower than wasm. `?backend=webgl|wasm|…` in the
// page's address, or the `backend` option, asks for one. wasm runs on several threads only in a cross-origin
// isolated page (`npm run serve` sends the headers); elsewhere it runs on one and the summary says why.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels, summarise, type BackendInfo } from "./backend-summary";
import { simdFiles } from "./kernels/simd";
import { provideCourseWasm } from "./platform.browser";

export type { BackendInfo } from "./backend-summary";
export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";
export const backendNames: BackendName[] = ["webgpu", "webgl", "wasm", "cpu"];

export interface BackendOptions {
  backend?: BackendName;
  /** Ignored in a page: the browser decides how many threads wasm gets. */
  threads?: number;
  quiet?: boolean;
}

let assets = { tfjsWasm: "assets/vendor/tfjs-wasm/", courseWasm: "assets/wasm/" };

/** Where the site keeps tfjs's wasm binaries and the course's own kernels, relative to the page (folders). */
export function setBackendAssets(where: Partial<typeof assets>): void {
  assets = { ...assets, ...where };
}

/** The renderer behind WebGL, e.g. "ANGLE (…SwiftShader…)"; undefined when the browser does not say. */
function webglRenderer(): string | undefined {
  const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
  const info = gl?.getExtension("WEBGL_debug_renderer_info");
  return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : undefined;
}

const isSoftware = (renderer: string) => /swiftshader|llvmpipe|software|basic render/i.test(renderer);

let wasmReady: Promise<void> | undefined;
async function setUpWasm(): Promise<void> {
  wasmReady ??= (async () => {
    setWasmPaths(assets.tfjsWasm);
    setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));
    for (const file of Object.values(simdFiles)) {
      const response = await fetch(assets.courseWasm + file);
      if (!response.ok) throw new Error(`${assets.courseWasm + file}: HTTP ${response.status} — the site was built without the course's wasm kernels; run \`npm run build\`, then \`npm run site\``);
      provideCourseWasm(file, new Uint8Array(await response.arrayBuffer()));
    }
    registerWasmTrainingKernels();
  })();
  return wasmReady;
}

/**
 * tf.setBackend, except that wasm's thread pool gets every core: the threaded build caps its threads at half the
 * cores the browser reports (assuming hyper-threading), so while it starts it is told twice the real number,
 * as src/wasm-threaded.ts does in Node.
 */
async function startBackend(name: BackendName): Promise<boolean> {
  const cores = navigator.hardwareConcurrency || 1;
  if (name === "wasm") Object.defineProperty(navigator, "hardwareConcurrency", { configurable: true, get: () => 2 * cores });
  try {
    return await tf.setBackend(name).catch(() => false);
  } finally {
    if (name === "wasm") delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency; // the browser's own getter again
  }
}

async function tryBackend(name: BackendName, skipped: string[]): Promise<Omit<BackendInfo, "summary" | "tfjsVersion"> | undefined> {
  if (name === "webgpu") {
    // Ask for an adapter first: without one tfjs's own attempt fails with a stack trace in the console.
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu || !(await gpu.requestAdapter().catch(() => null))) return undefined;
  }
  let renderer: string | undefined;
  if (name === "webgl") {
    renderer = webglRenderer();
    if (renderer && isSoftware(renderer)) {
      skipped.push(`WebGL runs on a software renderer here (${renderer})`);
      return undefined;
    }
  }
  if (name === "wasm") await setUpWasm();
  if (!(await startBackend(name))) return undefined;
  if (name === "wasm") {
    const threads = getThreadsCount();
    if (threads <= 1 && !crossOriginIsolated) skipped.push("wasm has 1 thread: the page is not cross-origin isolated (`npm run serve` sends the headers that allow threads)");
    return { backend: name, threads, simd: (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean };
  }
  if (name === "cpu") return { backend: name, threads: 1, simd: false };
  return { backend: name, threads: 1, simd: false, gpu: renderer ?? "GPU" };
}

function requested(opts: BackendOptions): BackendName | undefined {
  const fromPage = new URLSearchParams(location.search).get("backend") ?? undefined;
  const name = (fromPage || opts.backend) as BackendName | undefined;
  if (name && !backendNames.includes(name)) throw new Error(`Unknown backend "${name}" (?backend= in the address or initBackend option): use one of ${backendNames.join(", ")}.`);
  return name;
}

async function select(opts: BackendOptions): Promise<BackendInfo & { notes: string[] }> {
  const wanted = requested(opts);
  const notes: string[] = [];
  for (const name of wanted ? [wanted] : backendNames) {
    const found = await tryBackend(name, notes);
    if (found) {
      const info = { ...found, tfjsVersion: tf.version.tfjs };
      return { ...info, summary: summarise(info), notes };
    }
  }
  throw new Error(`Backend "${wanted}" is not usable in this browser${notes.length ? ` (${notes.join("; ")})` : ""}; try another with ?backend=wasm.`);
}

let ready: { key: string; info: Promise<BackendInfo & { notes: string[] }> } | undefined;

/** Initialises the backend once per page; later calls return the same info. Prints the summary unless quiet. */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const key = JSON.stringify(requested(opts) ?? null);
  if (ready?.key !== key) ready = { key, info: select(opts) };
  const pending = ready;
  const { notes, ...info } = await pending.info.catch((e) => {
    if (ready === pending) ready = undefined;
    throw e;
  });
  if (!opts.quiet) console.log(info.summary + notes.map((n) => `\n  (${n})`).join(""));
  return info;
}
