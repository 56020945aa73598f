// MaxPoolGrad for the wasm backend: routes each dy value to the first maximum of its window, like the cpu backend.
// A plain loop over the wasm heap; tfjs-backend-wasm 4.22's own kernel is several times slower.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

function maxPoolGrad(dy: tf.TensorInfo, input: tf.TensorInfo, attrs: PoolAttrs, backend: BackendWasm): tf.TensorInfo {
  const shape = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const dxInfo = backend.makeOutput(input.shape, "float32");
  // Views are taken after the allocation above, which may grow (and detach) the heap.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(dxInfo) as Float32Array;
  dx.fill(0);
  const window = new Int32Array(info.filterHeight * info.filterWidth); // heap offsets of one window's pixels
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * info.strideHeight - info.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * info.strideWidth - info.padInfo.left;
        let n = 0;
        for (let h = Math.max(h0, 0); h < Math.min(h0 + info.filterHeight, H); h++) {
          for (let w = Math.max(w0, 0); w < Math.min(w0 + info.filterWidth, W); w++) window[n++] = ((b * H + h) * W + w) * C;
        }
        const gBase = ((b * OH + oh) * OW + ow) * C;
        if (n === 4) {
          // The common 2×2 window, unrolled (about 25% faster); same strict ">" order as the general loop below.
          const p0 = window[0];
          const p1 = window[1];
          const p2 = window[2];
          const p3 = window[3];
          for (let c = 0; c < C; c++) {
            let best = x[p0 + c];
            let at = best > -Infinity ? p0 + c : -1;
            if (at < 0) best = -Infinity; // -Infinity or NaN never wins
            const v1 = x[p1 + c];
            if (v1 > best) {
              best = v1;
              at = p1 + c;
            }
            const v2 = x[p2 + c];
            if (v2 > best) {
              best = v2;
              at = p2 + c;
            }
            if (x[p3 + c] > best) at = p3 + c;
            if (at >= 0) dx[at] += g[gBase + c];
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = -1;
          for (let k = 0; k < n; k++) {
            const i = window[k] + c;
            if (x[i] > best) {
              best = x[i];
              at = i;
            }
          }
          if (at >= 0) dx[at] += g[gBase + c];
        }
      }
    }
  }
  return dxInfo;
}

/** Replaces the built-in wasm MaxPoolGrad. */
export function registerMaxPoolGrad(): void {
  tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) =>
      maxPoolGrad(inputs.dy!, inputs.input!, attrs as unknown as PoolAttrs, backend as BackendWasm),
  });
}
