// Picks the fastest tfjs backend that works on this machine: native TensorFlow (GPU, then CPU), then wasm with
// the course's training kernels on all cores, then plain JavaScript. TFJS_BACKEND=tensorflow|wasm|cpu overrides,
// and TFJS_THREADS sets wasm's thread count.
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels, summarise, type BackendInfo } from "./backend-summary";
import { registerThreadedWasm } from "./wasm-threaded";

export type { BackendInfo } from "./backend-summary";
export type BackendName = "tensorflow" | "wasm" | "cpu";
export const backendNames: BackendName[] = ["tensorflow", "wasm", "cpu"];

export interface BackendOptions {
  backend?: BackendName;
  /** Threads for wasm; defaults to the number of available cores. */
  threads?: number;
  quiet?: boolean;
}

/** Loads the native binding (GPU build first) and says whether it found a GPU; undefined when neither loads. */
function loadNative(): { gpu?: string } | undefined {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      require(pkg);
    } catch {
      continue;
    }
    const usingGpu = (tf.findBackend("tensorflow") as unknown as { isUsingGpuDevice?: boolean } | null)?.isUsingGpuDevice;
    return usingGpu ? { gpu: gpuName() } : {};
  }
  return undefined;
}

function gpuName(): string {
  try {
    return execFileSync("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"], { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    return "GPU";
  }
}

let wasmSetUp = false;
function setUpWasm(threads: number): void {
  if (wasmSetUp) return;
  if (threads > 1) registerThreadedWasm(threads);
  registerWasmTrainingKernels();
  wasmSetUp = true;
}

async function tryBackend(name: BackendName, threads: number): Promise<Omit<BackendInfo, "summary" | "tfjsVersion"> | undefined> {
  if (name === "tensorflow") {
    const native = loadNative();
    if (!native || !(await tf.setBackend("tensorflow"))) return undefined;
    return { backend: name, threads: os.availableParallelism(), simd: true, ...native };
  }
  if (name === "wasm") setUpWasm(threads);
  if (!(await tf.setBackend(name))) return undefined;
  if (name === "cpu") {
    // In Node, tfjs's cpu backend prints a banner asking for tfjs-node on its first tensor. The summary line already
    // says which backend runs, and the README's GPU section says how to get the native one, so the banner is skipped.
    const cpu = tf.backend() as unknown as { firstUse?: boolean };
    if (cpu.firstUse === true) cpu.firstUse = false;
    return { backend: name, threads: 1, simd: false };
  }
  return { backend: name, threads: getThreadsCount(), simd: (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean };
}

async function select(opts: BackendOptions): Promise<BackendInfo> {
  const requested = (process.env.TFJS_BACKEND || opts.backend) as BackendName | undefined;
  // TFJS_THREADS=1 suits machines shared with other jobs: pool threads that wait for a busy core slow everything down.
  const threads = Number(process.env.TFJS_THREADS) || opts.threads || os.availableParallelism();
  if (requested && !backendNames.includes(requested)) {
    throw new Error(`Unknown backend "${requested}" (TFJS_BACKEND or initBackend option): use one of ${backendNames.join(", ")}.`);
  }
  for (const name of requested ? [requested] : backendNames) {
    const found = await tryBackend(name, threads);
    if (found) {
      const info = { ...found, tfjsVersion: tf.version.tfjs };
      return { ...info, summary: summarise(info) };
    }
  }
  const usable = [];
  for (const name of backendNames) if (name === "tensorflow" ? loadNative() : tf.findBackendFactory(name)) usable.push(name);
  throw new Error(`Backend "${requested}" is not usable here; available: ${usable.join(", ")}.`);
}

let ready: { key: string; info: Promise<BackendInfo> } | undefined;

/** Initialises the backend once; later calls with the same request return the same info. Prints the summary unless quiet. */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const key = JSON.stringify([process.env.TFJS_BACKEND || opts.backend, process.env.TFJS_THREADS || opts.threads]);
  if (ready?.key !== key) ready = { key, info: select(opts) };
  const pending = ready;
  const info = await pending.info.catch((e) => {
    if (ready === pending) ready = undefined;
    throw e;
  });
  if (!opts.quiet) console.log(info.summary);
  return info;
}
