// MaxPoolGrad and AvgPoolGrad for the wasm backend, on the course's SIMD kernels (simd/kernels.as.ts), in parts on
// every thread. MaxPoolGrad routes each dy value to the first maximum of its window, like the cpu backend;
// tfjs-backend-wasm 4.22's own kernel and the plain JavaScript loop this replaced were 5–8× slower on the course's
// CNNs. AvgPoolGrad spreads dy evenly over each window (LeNet-5's pools); tfjs's own is a scalar loop.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { heapOffset, MIN_PARALLEL_ELEMENTS, simdKernels } from "./simd";

type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

function maxPoolGrad(dy: tf.TensorInfo, input: tf.TensorInfo, attrs: PoolAttrs, backend: BackendWasm): tf.TensorInfo {
  const shape = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = backend.makeOutput(input.shape, "float32");
  const kernels = simdKernels(backend);
  kernels.run("maxPoolGrad", [
    heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  ], kernels.parts(info.batchSize, tf.util.sizeFromShape(input.shape), MIN_PARALLEL_ELEMENTS));
  return dx;
}

function avgPoolGrad(dy: tf.TensorInfo, input: tf.TensorInfo, attrs: PoolAttrs, backend: BackendWasm): tf.TensorInfo {
  const shape = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = backend.makeOutput(input.shape, "float32");
  const kernels = simdKernels(backend);
  kernels.run("avgPoolGrad", [
    heapOffset(backend, dy), heapOffset(backend, dx),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  ], kernels.parts(info.batchSize * info.inHeight, tf.util.sizeFromShape(input.shape), MIN_PARALLEL_ELEMENTS));
  return dx;
}

/** Replaces the built-in wasm MaxPoolGrad and AvgPoolGrad. */
export function registerMaxPoolGrad(): void {
  tf.unregisterKernel("AvgPoolGrad", "wasm");
  tf.registerKernel({
    kernelName: "AvgPoolGrad",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) =>
      avgPoolGrad(inputs.dy!, inputs.input!, attrs as unknown as PoolAttrs, backend as BackendWasm),
  });
  tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) =>
      maxPoolGrad(inputs.dy!, inputs.input!, attrs as unknown as PoolAttrs, backend as BackendWasm),
  });
}
