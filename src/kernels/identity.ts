// Identity for the wasm backend without a copy. tfjs-core clones every tensor it saves for the backward pass
// (engine.saveTensorsForBackwardMode), and tfjs-backend-wasm 4.22's Identity copies the whole buffer: on a CNN's
// training step, 20 or more copies of activations, about 4 ms of a 110 ms step. Tensors never change in place, so the
// clone can share its data and count one more reference, as the cpu backend's Identity and wasm's own Reshape do.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export function registerSharedIdentity(): void {
  const builtIn = tf.getKernel("Identity", "wasm")!;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    ...builtIn,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype === "string") return builtIn.kernelFunc(args);
      (args.backend as BackendWasm).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
