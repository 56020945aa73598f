// Conv2D gradients for the wasm backend. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter and a slow direct-loop
// Conv2DBackpropInput. Measured on the reference CNN's second layer (batch 128, 13×13×32 → 11×11×64), ms on 1 / 2 threads.
// - Filter gradient, output channels in fours (every CNN in the course): with 8 or more input channels, the SIMD kernels
//   lay x out as a transposed im2col and XNNPACK multiplies it by dy (about 25 / 19 ms); with fewer (first layers), a
//   SIMD kernel sums it directly, on every thread. The forward-convolution form ("batch as channels": a huge kernel, a
//   3×3 output) took 38 / 27 ms there and remains for other channel counts.
// - Input gradient: a forward convolution of the dilated, padded dy with the flipped filter on XNNPACK, except where most
//   of that convolution's input would be zeros (see gemmInputCase): there a product and a col2im scatter.
// The SIMD kernels' calls are split over every thread (threads.ts).
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, MIN_PARALLEL_ELEMENTS, MIN_PARALLEL_MACS, simdKernels } from "./simd";

type Conv2DGradAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
};
type Pads = [[0, 0], [number, number], [number, number], [0, 0]];

function convInfo(xShape: number[], filterShape: number[], attrs: Conv2DGradAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== "NHWC") throw new Error(`wasm conv2d gradients support NHWC only, got ${attrs.dataFormat}`);
  const [xs, fs] = [xShape as [number, number, number, number], filterShape as [number, number, number, number]];
  return tf.backend_util.computeConv2DInfo(xs, fs, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

/** Whole vectors of output channels and no dilation: the SIMD kernel's case. */
const simdCase = (info: tf.backend_util.Conv2DInfo) => info.outChannels % 4 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1;

/**
 * Many input channels: the filter gradient as one matrix product on XNNPACK, (taps × positions)·(positions × Cout),
 * after the SIMD kernel has laid x out as taps × positions (a transposed im2col). Few input channels: the SIMD kernel
 * sums the gradient directly, four taps × eight channels at a time. Each faster where used (npm run bench -- --profile).
 */
const gemmCase = (info: tf.backend_util.Conv2DInfo) => info.inChannels >= 8;

/** dW by the course's SIMD kernels over a zero-padded copy of x, on every thread. */
function conv2dBackpropFilterSimd(x: tf.TensorInfo, dy: tf.TensorInfo, i: tf.backend_util.Conv2DInfo, backend: BackendWasm): tf.TensorInfo {
  const { top, left } = i.padInfo;
  // Rows and columns the convolution reads past the input (never fewer than none).
  const bottom = Math.max(0, (i.outHeight - 1) * i.strideHeight + i.filterHeight - i.inHeight - top);
  const right = Math.max(0, (i.outWidth - 1) * i.strideWidth + i.filterWidth - i.inWidth - left);
  const [Hp, Wp] = [i.inHeight + top + bottom, i.inWidth + left + right];
  const filterShape = [i.filterHeight, i.filterWidth, i.inChannels, i.outChannels];
  const kernels = simdKernels(backend);
  // A zero-padded copy of x, unless the convolution reads no padding ("valid").
  const padded = top + bottom + left + right > 0 ? backend.makeOutput([i.batchSize * Hp * Wp * i.inChannels], "float32") : undefined;
  const padp = padded ? heapOffset(backend, padded) : heapOffset(backend, x);
  if (padded) kernels.run("padImages", [heapOffset(backend, x), padp, i.batchSize, i.inHeight, i.inWidth, i.inChannels, top, bottom, left, right], kernels.parts(i.batchSize, i.batchSize * Hp * Wp * i.inChannels, MIN_PARALLEL_ELEMENTS));
  try {
    if (gemmCase(i)) {
      const P = i.batchSize * i.outHeight * i.outWidth;
      const taps = i.filterHeight * i.filterWidth * i.inChannels;
      const cols = backend.makeOutput([taps, P], "float32");
      kernels.run("im2colT", [padp, heapOffset(backend, cols), i.batchSize, Hp, Wp, i.inChannels, i.outHeight, i.outWidth,
        i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth], kernels.parts(i.batchSize, taps * P, MIN_PARALLEL_ELEMENTS));
      // Untransposed and single-batch, so the registered BatchMatMul hands it to XNNPACK; the views share their data.
      const matMul = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
      const product = matMul({
        inputs: { a: { ...cols, shape: [1, taps, P] }, b: { ...dy, shape: [1, P, i.outChannels] } },
        attrs: { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
        backend,
      }) as tf.TensorInfo;
      backend.disposeData(cols.dataId);
      return { dataId: product.dataId, shape: filterShape, dtype: "float32" };
    }
    const dw = backend.makeOutput(filterShape, "float32");
    // Shares are groups of eight output channels; two per thread balance a late-waking helper.
    kernels.run("convFilterGrad", [
      padp, heapOffset(backend, dy), heapOffset(backend, dw), i.batchSize, Hp, Wp, i.inChannels, i.outHeight, i.outWidth,
      i.outChannels, i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth,
    ], kernels.parts(Math.ceil(i.outChannels / 8), i.batchSize * i.outHeight * i.outWidth * i.outChannels * i.filterHeight * i.filterWidth * i.inChannels, MIN_PARALLEL_MACS));
    return dw;
  } finally {
    if (padded) backend.disposeData(padded.dataId);
  }
}

/** Drops rows/cols where a padding amount is negative, so the remaining pads are all >= 0. */
function cropNegativePads(x: tf.Tensor4D, [top, bottom, left, right]: number[]): [tf.Tensor4D, Pads] {
  const [b, h, w, c] = x.shape;
  const [t, l] = [Math.max(-top, 0), Math.max(-left, 0)];
  const cropped = Math.min(top, bottom, left, right) >= 0 ? x : x.slice([0, t, l, 0], [b, h - t - Math.max(-bottom, 0), w - l - Math.max(-right, 0), c]);
  const pads: Pads = [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]];
  return [cropped, pads];
}

/**
 * dW[kh, kw, ci, co] = Σ_{b, i, j} x[b, i·s + kh − pt, j·s + kw − pl, ci] · dy[b, i, j, co]:
 * a conv of x with channels and batch swapped, (Cin, H, W, B), by dy as a filter, (OH, OW, B, Cout), dilated by the stride.
 */
function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: Conv2DGradAttrs): tf.Tensor4D {
  const info = convInfo(x.shape, filterShape, attrs);
  const { top, left } = info.padInfo;
  // Pad the far side so the conv's output is exactly (KH, KW); negative means the forward conv never read those rows.
  const bottom = info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - top;
  const right = info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - left;
  const [xT, pads] = cropNegativePads(x.transpose([3, 1, 2, 0]) as tf.Tensor4D, [top, bottom, left, right]);
  const dyT = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D;
  const dW = tf.conv2d(xT, dyT, 1, pads, "NHWC", [info.strideHeight, info.strideWidth]);
  return dW.transpose([1, 2, 0, 3]); // (Cin, KH, KW, Cout) → (KH, KW, Cin, Cout)
}

/** Inserts stride−1 zeros after every row and column: (B, OH, OW, C) → (B, OH·sh, OW·sw, C). */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape;
  return dy
    .reshape([b, h, 1, w, 1, c])
    .pad([[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
    .reshape([b, h * sh, w * sw, c]);
}

/** dx = the zero-dilated dy, padded, convolved with the filter flipped in space and transposed to (KH, KW, Cout, Cin). */
function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: Conv2DGradAttrs): tf.Tensor4D {
  const info = convInfo(inputShape, filter.shape, attrs);
  const dyd = dilate(dy, info.strideHeight, info.strideWidth);
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  // The padded height must be H + KH − 1 for a valid conv to return H rows.
  const bottom = info.inHeight + info.filterHeight - 1 - top - dyd.shape[1];
  const right = info.inWidth + info.filterWidth - 1 - left - dyd.shape[2];
  const [cropped, pads] = cropNegativePads(dyd, [top, bottom, left, right]);
  const flipped = filter.transpose([0, 1, 3, 2]).reverse([0, 1]) as tf.Tensor4D;
  return tf.conv2d(cropped, flipped, 1, pads, "NHWC");
}

/**
 * The input gradient as a product and a scatter, cols = dy · filterᵀ (positions × taps) on XNNPACK then col2im, where
 * the convolution form would spend most of its multiplies on zeros: its cost grows with the input's H·W, the product's
 * with the output's OH·OW. Measured on the course's shapes (batch 128): 5×5 → 3×3 (Keras-style CNN's conv3) 16 → 5 ms on
 * one thread, 13×13 → 11×11 a draw, 14×14 "same" 15% slower; hence the factor of two (strides above 1 qualify too).
 */
const gemmInputCase = (info: tf.backend_util.Conv2DInfo) =>
  info.inChannels >= 8 && info.outChannels >= 8 && info.inHeight * info.inWidth >= 2 * info.outHeight * info.outWidth &&
  info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels <= 1 << 26;

/**
 * dx without the zero-dilated, padded copy of dy the convolution form needs: every output position's taps come from one
 * row of dy · filterᵀ, and col2im adds them where they belong. No multiply is spent on padding.
 */
function conv2dBackpropInputGemm(dy: tf.Tensor4D, filter: tf.Tensor4D, i: tf.backend_util.Conv2DInfo, backend: BackendWasm): tf.TensorInfo {
  const P = i.batchSize * i.outHeight * i.outWidth;
  const taps = i.filterHeight * i.filterWidth * i.inChannels;
  const cols = tf.tidy(() => tf.matMul(dy.reshape([P, i.outChannels]), filter.reshape([taps, i.outChannels]), false, true));
  const dx = backend.makeOutput([i.batchSize, i.inHeight, i.inWidth, i.inChannels], "float32");
  const kernels = simdKernels(backend);
  kernels.run("col2im", [heapOffset(backend, cols), heapOffset(backend, dx), i.batchSize, i.inHeight, i.inWidth, i.inChannels,
    i.outHeight, i.outWidth, i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.padInfo.top, i.padInfo.left],
  kernels.parts(i.batchSize, P * taps, MIN_PARALLEL_ELEMENTS));
  cols.dispose();
  return dx;
}

/** Registers both kernels for "wasm", replacing the built-in Conv2DBackpropInput. */
export function registerConv2dGrads(): void {
  tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { filterShape, ...rest } = attrs as unknown as Conv2DGradAttrs & { filterShape: number[] };
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const info = convInfo(x.shape, filterShape, rest);
      if (simdCase(info) && x.dtype === "float32") return conv2dBackpropFilterSimd(x, dy, info, backend as BackendWasm);
      return tf.tidy(() => conv2dBackpropFilter(x as tf.Tensor4D, dy as tf.Tensor4D, filterShape, rest));
    },
  });
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { inputShape, ...rest } = attrs as unknown as Conv2DGradAttrs & { inputShape: number[] };
      const { dy, filter } = inputs as { dy: tf.Tensor4D; filter: tf.Tensor4D };
      const info = convInfo(inputShape, filter.shape, rest);
      if (gemmInputCase(info) && dy.dtype === "float32" && filter.dtype === "float32") return conv2dBackpropInputGemm(dy, filter, info, backend as BackendWasm);
      return tf.tidy(() => conv2dBackpropInput(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, inputShape, rest));
    },
  });
}
