// Exp and Erf for the wasm backend on the course's SIMD kernels. tfjs-backend-wasm 4.22 calls the C library's scalar
// expf per element (about 7 ns each on this machine); a GELU layer's erf in the forward pass and the exp(−x²) of its
// gradient took about 6 ms of a 60 ms ViT training step. Four lanes at a time, in parts on every thread, they take
// well under 1 ms. Other dtypes (int32 input) and empty tensors go to the built-in kernels.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, MIN_PARALLEL_MACS, simdKernels } from "./simd";

/** Roughly the multiply-adds per element of exp (erf is about twice that), for the threshold on splitting a call. */
const WORK_PER_ELEMENT = 16;

function register(kernelName: "Exp" | "Erf", simd: "expF32" | "erfF32"): void {
  const builtIn = tf.getKernel(kernelName, "wasm")!;
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const n = tf.util.sizeFromShape(x.shape);
      if (x.dtype !== "float32" || n === 0) return builtIn.kernelFunc(args);
      const backend = args.backend as BackendWasm;
      const out = backend.makeOutput(x.shape, "float32");
      const kernels = simdKernels(backend);
      kernels.run(simd, [heapOffset(backend, x), heapOffset(backend, out), n], kernels.parts(Math.ceil(n / 1024), n * WORK_PER_ELEMENT, MIN_PARALLEL_MACS));
      return out;
    },
  });
}

/** Replaces the wasm Exp and Erf kernels for float32 tensors. */
export function registerExpErf(): void {
  register("Exp", "expF32");
  register("Erf", "erfF32");
}
