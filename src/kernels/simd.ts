// Loads the course's own WebAssembly SIMD kernels (src/kernels/simd/kernels.as.ts, compiled at install by
// scripts/build-wasm.ts) into the memory of tfjs's wasm backend, so they read and write its tensors in place.
// The threaded build's memory is shared and the single-threaded build's is not; a module must declare which kind it
// imports, so there are two binaries of the same source.
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { courseWasm } from "../platform";

/** The exports of kernels.as.ts; every pointer is a byte offset into the backend's heap. */
export interface SimdKernels {
  maxPoolGrad(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number,
    fh: number, fw: number, sh: number, sw: number, pt: number, pl: number): void;
  convFilterGradSmallIn(x: number, dy: number, dw: number, pad: number, B: number, H: number, W: number, Cin: number, OH: number,
    OW: number, Cout: number, KH: number, KW: number, sh: number, sw: number, pt: number, pb: number, pl: number, pr: number): void;
  batchMatMul(a: number, b: number, out: number, scratch: number, batchA: number, batchB: number, M: number, K: number, N: number,
    transA: boolean, transB: boolean): void;
}

/** The two builds, in dist/kernels/simd/ (see `courseWasm` in src/platform.ts for how each place reads them). */
export const simdFiles = { plain: "kernels.wasm", shared: "kernels-shared.wasm" } as const;

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<object, SimdKernels>();

/** The kernels, instantiated once per backend on the backend's own memory. */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const found = instances.get(backend);
  if (found) return found;
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error("tfjs-backend-wasm exposes no memory to link the course's kernels to (an unexpected tfjs version?).");
  const file = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer ? simdFiles.shared : simdFiles.plain;
  let compiledModule = compiled.get(file);
  if (!compiledModule) {
    compiledModule = new WebAssembly.Module(courseWasm(file));
    compiled.set(file, compiledModule);
  }
  const kernels = new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as SimdKernels;
  instances.set(backend, kernels);
  return kernels;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, t: { dataId: object }): number {
  return (backend as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } }).dataIdMap.get(t.dataId).memoryOffset;
}
