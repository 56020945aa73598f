// Loads the course's own WebAssembly SIMD kernels (src/kernels/simd/kernels.as.ts, compiled at install by
// scripts/build-wasm.ts) into the memory of tfjs's wasm backend, so they read and write its tensors in place.
// The threaded build's memory is shared and the single-threaded build's is not; a module must declare which kind it
// imports, so there are two binaries of the same source.
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { courseWasm } from "../platform";
import { KernelThreads } from "./threads";

/** The kernels of kernels.as.ts and their arguments before (part, parts); every pointer is a byte offset into the heap. */
export interface SimdArgs {
  maxPoolGrad: [x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number,
    fh: number, fw: number, sh: number, sw: number, pt: number, pl: number];
  padImages: [x: number, pad: number, B: number, H: number, W: number, C: number, pt: number, pb: number, pl: number, pr: number];
  convFilterGrad: [pad: number, dy: number, dw: number, B: number, Hp: number, Wp: number, Cin: number, OH: number, OW: number,
    Cout: number, KH: number, KW: number, sh: number, sw: number];
  sumRows: [x: number, sums: number, rows: number, C: number];
  matMulAtB: [a: number, b: number, out: number, K: number, M: number, N: number];
  col2im: [cols: number, dx: number, B: number, H: number, W: number, Cin: number, OH: number, OW: number, KH: number, KW: number,
    sh: number, sw: number, pt: number, pl: number];
  im2colT: [pad: number, cols: number, B: number, Hp: number, Wp: number, Cin: number, OH: number, OW: number, KH: number, KW: number,
    sh: number, sw: number];
  batchMatMul: [a: number, b: number, out: number, scratch: number, batchA: number, batchB: number, M: number, K: number, N: number,
    transA: number, transB: number];
  expF32: [x: number, out: number, n: number];
  erfF32: [x: number, out: number, n: number];
  avgPoolGrad: [dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number,
    fh: number, fw: number, sh: number, sw: number, pt: number, pl: number];
}
const kernelNames: (keyof SimdArgs)[] = ["maxPoolGrad", "padImages", "convFilterGrad", "sumRows", "matMulAtB", "im2colT", "col2im", "batchMatMul", "expF32", "erfF32", "avgPoolGrad"];

/** The course's kernels on one backend: `run` splits a call into `parts` (default: one per thread) over every thread. */
export interface SimdKernels {
  readonly threads: number;
  /**
   * How many parts to split a call into: one when `work` (multiply-adds, or elements for kernels that mostly move
   * memory) is below the kind's threshold, else two per thread (which balances a helper that wakes late), at most `units`.
   */
  parts(units: number, work: number, kind: keyof typeof minWork): number;
  /** Parts the helper threads have run so far (tests check that they do run). */
  helped(): number;
  run<K extends keyof SimdArgs>(name: K, args: SimdArgs[K], parts?: number): void;
}

/**
 * Thresholds for `parts`. Measured on 2 cores, alternating in one process right after an XNNPACK operation (whose pool
 * thread then spins on the other core for a while): aᵀ·b of 2M multiply-adds took 0.11 ms split, 0.13 ms not; 8M 0.57
 * against 0.62; 51M 2.8 against 3.5. Waking the helper is cheap, so only calls too small to measure stay on one thread.
 */
export const MIN_PARALLEL_MACS = "macs" as const;
export const MIN_PARALLEL_ELEMENTS = "elements" as const;
const minWork = { macs: 1 << 20, elements: 1 << 17 };

/** Changes the thresholds (tests set both to 0, so that every call, however small, runs on every thread). */
export function setMinParallelWork(thresholds: Partial<typeof minWork>): void {
  Object.assign(minWork, thresholds);
}

/** The two builds, in dist/kernels/simd/ (see `courseWasm` in src/platform.ts for how each place reads them). */
export const simdFiles = { plain: "kernels.wasm", shared: "kernels-shared.wasm" } as const;

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<object, SimdKernels>();

/**
 * The kernels, instantiated once per backend on the backend's own memory. On tfjs's threaded build (shared memory)
 * they run on as many threads as its thread pool has, through helper workers (threads.ts).
 */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const found = instances.get(backend);
  if (found) return found;
  const module = backend.wasm as unknown as {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    tfjs?: { getThreadsCount?: () => number };
  };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error("tfjs-backend-wasm exposes no memory to link the course's kernels to (an unexpected tfjs version?).");
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const file = shared ? simdFiles.shared : simdFiles.plain;
  let compiledModule = compiled.get(file);
  if (!compiledModule) {
    compiledModule = new WebAssembly.Module(courseWasm(file));
    compiled.set(file, compiledModule);
  }
  const own = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as Record<string, (...args: number[]) => void>;
  const threads = shared ? Math.max(1, module.tfjs?.getThreadsCount?.() ?? 1) : 1;
  const pool = new KernelThreads(own, kernelNames, compiledModule, memory, threads - 1);
  const kernels: SimdKernels = {
    threads: pool.threads,
    helped: () => pool.helped(),
    parts: (units, work, kind) => (pool.threads === 1 || work < minWork[kind] ? 1 : Math.max(1, Math.min(units, 2 * pool.threads))),
    run: (name, args, parts) => pool.run(name, args.map(Number), parts),
  };
  instances.set(backend, kernels);
  return kernels;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, t: { dataId: object }): number {
  return (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}
