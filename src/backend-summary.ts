// What src/backend.ts (Node) and src/backend.browser.ts (a web page) share: the backend's description, its
// one-line summary, and the course's training kernels for the wasm backend.
import { registerConv2dGrads } from "./kernels/conv2d-grads";
import { registerCpuFallbacks } from "./kernels/cpu-fallback";
import { registerBatchMatMul } from "./kernels/batch-matmul";
import { registerMaxPoolGrad } from "./kernels/max-pool-grad";
import { registerSumLeading } from "./kernels/sum-leading";
import { registerSharedIdentity } from "./kernels/identity";
import { registerExpErf } from "./kernels/exp-erf";

export interface BackendInfo {
  /** tensorflow, wasm or cpu in Node; webgpu, webgl, wasm or cpu in a page. */
  backend: string;
  tfjsVersion: string;
  threads: number;
  simd: boolean;
  gpu?: string;
  /** One line for people, e.g. "tfjs 4.22.0 on wasm: 2 threads, SIMD". */
  summary: string;
}

export function summarise(info: Omit<BackendInfo, "summary">): string {
  const parts = [`${info.threads} thread${info.threads === 1 ? "" : "s"}`, info.simd ? "SIMD" : "no SIMD"];
  if (info.gpu) parts.unshift(`GPU ${info.gpu}`);
  return `tfjs ${info.tfjsVersion} on ${info.backend}: ${parts.join(", ")}`;
}

/** Gradients stock tfjs-wasm lacks (convolutions, max-pool) and faster kernels of our own; once per process. */
export function registerWasmTrainingKernels(): void {
  registerConv2dGrads();
  registerMaxPoolGrad();
  registerBatchMatMul();
  registerSumLeading();
  registerExpErf();
  registerSharedIdentity();
  registerCpuFallbacks();
}
