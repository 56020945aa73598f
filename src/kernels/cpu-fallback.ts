// Runs kernels that tfjs-backend-wasm 4.22 lacks on the cpu backend, copying inputs and outputs through the wasm heap:
// slow, but it lets embeddings (gather's gradient) and depthwise/separable convs train on wasm instead of failing.
import * as tf from "@tensorflow/tfjs";

export const cpuFallbackKernels = [
  "UnsortedSegmentSum",
  "DepthwiseConv2dNativeBackpropInput",
  "DepthwiseConv2dNativeBackpropFilter",
];

type Backend = tf.KernelBackend & {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
};

function runOnCpu(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}, wasm: Backend): tf.TensorInfo | tf.TensorInfo[] {
  const cpu = tf.findBackend("cpu") as Backend & { firstUse?: boolean };
  cpu.firstUse = false; // skips cpu's "install the node backend" banner, which would be misleading here
  const cpuInputs: tf.NamedTensorInfoMap = {};
  for (const [name, t] of Object.entries(inputs)) {
    if (t) cpuInputs[name] = cpu.makeTensorInfo(t.shape, t.dtype, wasm.readSync(t.dataId));
  }
  const out = tf.getKernel(kernelName, "cpu")!.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
  const results = (Array.isArray(out) ? out : [out]).map((o) => {
    const result = wasm.makeOutput(o.shape, o.dtype, undefined, cpu.readSync(o.dataId));
    cpu.disposeData(o.dataId);
    return result;
  });
  for (const t of Object.values(cpuInputs)) if (t) cpu.disposeData(t.dataId);
  return results.length === 1 ? results[0] : results;
}

/** Registers a cpu-backed wasm kernel for every name in `cpuFallbackKernels` that wasm does not implement. */
export function registerCpuFallbacks(): void {
  for (const kernelName of cpuFallbackKernels) {
    if (tf.getKernel(kernelName, "wasm")) continue;
    tf.registerKernel({
      kernelName,
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend }) => runOnCpu(kernelName, inputs, attrs, backend as Backend),
    });
  }
}
