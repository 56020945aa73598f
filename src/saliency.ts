// Looking inside a trained network: intermediate feature maps, first-layer filters and gradient saliency maps.
import * as tf from "@tensorflow/tfjs";

/** Outputs of the named layers for input x, in the order asked; each (B, …) as the layer produces it. */
export function layerOutputs(model: tf.LayersModel, x: tf.Tensor, layerNames: string[]): tf.Tensor[] {
  const probe = tf.model({ inputs: model.inputs, outputs: layerNames.map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
  const out = probe.predict(x);
  return Array.isArray(out) ? out : [out];
}

/** Images laid out one after another, ready for imageGrid(pixels, count, height, width). */
export interface ImageStack {
  pixels: Float32Array;
  count: number;
  height: number;
  width: number;
}

/** The channels of one example's feature map (1, H, W, C) — or (H, W, C) — as C images of H×W. */
export function channelsAsImages(featureMap: tf.Tensor): ImageStack {
  const [height, width, count] = featureMap.shape.slice(-3) as number[];
  const pixels = tf.tidy(() => featureMap.reshape([height, width, count]).transpose([2, 0, 1]).dataSync() as Float32Array);
  return { pixels, count, height, width };
}

/** A conv layer's kernels (kh, kw, inChannels, filters), first input channel only, as `filters` images of kh×kw. */
export function filtersAsImages(conv: tf.layers.Layer): ImageStack {
  const kernel = conv.getWeights()[0];
  if (kernel.rank !== 4) throw new Error(`filtersAsImages: layer "${conv.name}" has no 4-D convolution kernel`);
  const [kh, kw, , filters] = kernel.shape;
  return channelsAsImages(tf.tidy(() => kernel.slice([0, 0, 0, 0], [-1, -1, 1, -1]).reshape([kh, kw, filters])));
}

/**
 * The class scores before the softmax (logits) z, with p = softmax(z): the model's last layer must be a Dense
 * layer with softmax activation, so z = h W + b from its input h. x: (B, …) → (B, K). Differentiable (for tf.grad).
 */
export function classLogits(model: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  const last = model.layers[model.layers.length - 1];
  if (last.getClassName() !== "Dense" || last.getConfig().activation !== "softmax")
    throw new Error(`classLogits: the last layer "${last.name}" is not a softmax Dense layer, so its logits are not h·W + b`);
  const body = tf.model({ inputs: model.inputs, outputs: last.input as tf.SymbolicTensor }); // x → h, weights shared
  const [kernel, bias] = last.getWeights();
  return tf.tidy(() => tf.add(tf.matMul(body.apply(x) as tf.Tensor2D, kernel as tf.Tensor2D), bias));
}

/**
 * Gradient saliency (Simonyan et al., 2014): how strongly each pixel moves the pre-softmax score of class c,
 *   S(x) = |∂z_c(x) / ∂x|, maximised over channels and scaled to 0..1 per image.
 * (The logit z_c depends on class c alone; log p_c = z_c − log Σ_k exp z_k also moves with every other class.)
 * images: (B, H, W, C); classes: one class per image (default: the predicted one). Returns (B, H, W).
 */
export function saliencyMaps(model: tf.LayersModel, images: tf.Tensor4D, classes?: number[]): tf.Tensor3D {
  return tf.tidy(() => {
    const target = classes ? tf.tensor1d(classes, "int32") : tf.argMax(model.predict(images) as tf.Tensor, -1);
    const mask = tf.oneHot(target, (model.outputs[0].shape[1] as number) ?? 0); // (B, K)
    const score = (x: tf.Tensor) => classLogits(model, x).mul(mask).sum();
    const grad = tf.grad(score)(images).abs().max(-1); // (B, H, W)
    const lo = grad.min([1, 2], true);
    const hi = grad.max([1, 2], true);
    return grad.sub(lo).div(hi.sub(lo).add(1e-12)) as tf.Tensor3D;
  });
}
