// Conv2D gradients for the wasm backend, both expressed as forward convolutions so they run on XNNPACK's fast conv.
// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter and a slow direct-loop Conv2DBackpropInput.
// A first layer's filter gradient (1 to 4 input channels) is the exception: as a convolution it has a huge kernel and
// a 3×3 output, which XNNPACK runs slowly on one thread; the course's SIMD kernel (simd/kernels.as.ts) sums it directly.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, simdKernels } from "./simd";

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

/** Few input channels and whole vectors of output channels: the SIMD kernel's case. */
const smallIn = (info: tf.backend_util.Conv2DInfo) => info.inChannels <= 4 && info.outChannels % 4 === 0;

/** dW for few input channels, summed directly by the SIMD kernel over a zero-padded copy of x. */
function conv2dBackpropFilterSmallIn(x: tf.TensorInfo, dy: tf.TensorInfo, i: tf.backend_util.Conv2DInfo, backend: BackendWasm): tf.TensorInfo {
  const { top, left } = i.padInfo;
  // Rows and columns the convolution reads past the input (never fewer than none).
  const bottom = Math.max(0, (i.outHeight - 1) * i.strideHeight + i.filterHeight - i.inHeight - top);
  const right = Math.max(0, (i.outWidth - 1) * i.strideWidth + i.filterWidth - i.inWidth - left);
  const padded = backend.makeOutput([i.batchSize * (i.inHeight + top + bottom) * (i.inWidth + left + right) * i.inChannels], "float32");
  const dw = backend.makeOutput([i.filterHeight, i.filterWidth, i.inChannels, i.outChannels], "float32");
  simdKernels(backend).convFilterGradSmallIn(
    heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), heapOffset(backend, padded),
    i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outHeight, i.outWidth, i.outChannels, i.filterHeight, i.filterWidth,
    i.strideHeight, i.strideWidth, top, bottom, left, right,
  );
  backend.disposeData(padded.dataId);
  return dw;
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
      if (smallIn(info) && x.dtype === "float32") return conv2dBackpropFilterSmallIn(x, dy, info, backend as BackendWasm);
      return tf.tidy(() => conv2dBackpropFilter(x as tf.Tensor4D, dy as tf.Tensor4D, filterShape, rest));
    },
  });
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) => {
      const { inputShape, ...rest } = attrs as unknown as Conv2DGradAttrs & { inputShape: number[] };
      return tf.tidy(() => conv2dBackpropInput(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, inputShape, rest));
    },
  });
}
