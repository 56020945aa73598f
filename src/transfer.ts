// Transfer learning: copy a model, freeze layers, swap the head, and train with per-layer (discriminative) learning rates.
import * as tf from "@tensorflow/tfjs";
import { seededPermutation } from "./seeded-random";

type Layer = tf.layers.Layer;

/** Build a layer of the same class and config as `layer` (fresh, unconnected, unbuilt). */
function sameLayer(layer: Layer): Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) throw new Error(`cannot copy layer "${layer.name}": class ${layer.getClassName()} is not registered with tf.serialization`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, layer.getConfig()) as Layer;
}

/**
 * Rebuild a functional or sequential model layer by layer into an independent copy with the same weights
 * (or, with `freshWeights`, newly initialised ones). `swap(layer)` may return a replacement layer (its weights
 * are then its own business); otherwise the layer is copied.
 */
export function rebuildModel(model: tf.LayersModel, swap: (layer: Layer) => Layer | undefined = () => undefined, freshWeights = false): tf.LayersModel {
  const mapped = new Map<number, tf.SymbolicTensor>(); // old symbolic tensor id → new one
  const inputs = model.inputs.map((t) => {
    const fresh = tf.input({ batchShape: t.shape, dtype: t.dtype, name: t.sourceLayer.name });
    mapped.set(t.id, fresh);
    return fresh;
  });
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const replacement = swap(layer);
    const copy = replacement ?? sameLayer(layer);
    // A layer shared with other models has several inbound nodes; the ones fed from this model's graph belong here.
    const nodes = layer.inboundNodes.filter((n) => n.inputTensors.length > 0 && n.inputTensors.every((t) => mapped.has(t.id)));
    if (nodes.length === 0) throw new Error(`rebuildModel: layer "${layer.name}" is not connected to the model's inputs`);
    const applied = new Map<string, tf.SymbolicTensor[]>();
    for (const node of nodes) {
      const ins = node.inputTensors.map((t) => mapped.get(t.id)!);
      const key = ins.map((t) => t.id).join(",");
      if (!applied.has(key)) {
        const out = copy.apply(ins.length === 1 ? ins[0] : ins);
        applied.set(key, Array.isArray(out) ? (out as tf.SymbolicTensor[]) : [out as tf.SymbolicTensor]);
      }
      node.outputTensors.forEach((t, i) => mapped.set(t.id, applied.get(key)![i]));
    }
    if (!replacement && !freshWeights) copy.setWeights(layer.getWeights());
  }
  const outputs = model.outputs.map((t) => mapped.get(t.id)!);
  return tf.model({ inputs, outputs, name: model.name });
}

/** An independent copy of a model: same architecture, same weights, same trainable flags. */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  return rebuildModel(model);
}

/** The same architecture with newly initialised weights: the "from scratch" baseline for a pretrained model. */
export function freshCopy(model: tf.LayersModel): tf.LayersModel {
  return rebuildModel(model, undefined, true);
}

/** Which layers: a list of names, or a test on the layer and its position in model.layers. */
export type LayerPick = string[] | ((layer: Layer, index: number) => boolean);

function picks(pick: LayerPick): (layer: Layer, index: number) => boolean {
  return Array.isArray(pick) ? (layer) => pick.includes(layer.name) : pick;
}

/** Freeze (trainable = false) or unfreeze the picked layers. Compile the model again afterwards: fit() reads the flags at compile time. */
export function setTrainable(model: tf.LayersModel, pick: LayerPick, trainable: boolean): void {
  const test = picks(pick);
  model.layers.forEach((layer, i) => {
    if (test(layer, i)) layer.trainable = trainable;
  });
}

/** Trainable and total parameter counts. */
export function parameterCounts(model: tf.LayersModel): { trainable: number; total: number } {
  const count = (ws: tf.LayerVariable[]) => ws.reduce((n, w) => n + w.shape.reduce((a, b) => (a ?? 0) * (b ?? 0), 1)!, 0);
  return { trainable: count(model.trainableWeights), total: count(model.weights) };
}

/**
 * A copy of `model` whose top is replaced by a fresh softmax Dense layer with `classes` outputs, named "head".
 * By default the new head sees exactly what the old head saw (the penultimate features); with `after`, it sits on
 * the output of that layer instead and everything above it is dropped (e.g. keep a CNN's convolutional base and
 * replace its whole dense classifier). `model` itself is left untouched.
 */
export function replaceHead(model: tf.LayersModel, classes: number, seed?: number, after?: string): tf.LayersModel {
  const copy = cloneModel(model);
  const features = (after === undefined ? copy.layers[copy.layers.length - 1].input : copy.getLayer(after).output) as tf.SymbolicTensor; // (B, F)
  if (features.shape.length !== 2) throw new Error(`replaceHead: the output of "${after}" has shape [${features.shape}]; a Dense head needs (batch, features), e.g. after a Flatten layer`);
  const kernelInitializer = tf.initializers.glorotUniform({ seed });
  const head = tf.layers.dense({ units: classes, activation: "softmax", name: "head", kernelInitializer }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: copy.inputs, outputs: head, name: model.name });
}

export interface LayerRateOptions {
  /** Learning rate for each layer; 0 leaves it untouched. */
  rateOf: (layer: Layer, index: number) => number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** One optimiser is made per distinct rate (default Adam). */
  makeOptimizer?: (lr: number) => tf.Optimizer;
  onEpochEnd?: (epoch: number, logs: { loss: number; acc: number }) => void | Promise<void>;
}

/**
 * Train with per-layer (discriminative) learning rates: the layers are grouped by rate and each group gets its own
 * optimiser, stepped with its own gradients. (Scaling the gradients instead would be wrong for Adam, whose update
 * does not depend on the gradient's scale.) Loss: categorical cross-entropy on one-hot ys; model output is softmax.
 */
export async function fitWithLayerRates(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, opts: LayerRateOptions) {
  const makeOptimizer = opts.makeOptimizer ?? ((lr: number) => tf.train.adam(lr));
  const groups = new Map<number, tf.Variable[]>();
  model.layers.forEach((layer, i) => {
    const lr = opts.rateOf(layer, i);
    if (lr <= 0 || !layer.trainable) return;
    groups.set(lr, [...(groups.get(lr) ?? []), ...layer.trainableWeights.map((w) => w.read() as tf.Variable)]);
  });
  const steps = [...groups].map(([lr, vars]) => ({ optimizer: makeOptimizer(lr), vars, names: new Set(vars.map((v) => v.name)) }));
  const allVars = steps.flatMap((s) => s.vars);
  const n = xs.shape[0];
  const history = { loss: [] as number[], acc: [] as number[] };
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = tf.tensor1d(Int32Array.from(seededPermutation(n, opts.seed + epoch)), "int32");
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += opts.batchSize) {
      const [l, c] = tf.tidy(() => {
        const idx = order.slice(start, Math.min(opts.batchSize, n - start));
        const xb = tf.gather(xs, idx);
        const yb = tf.gather(ys, idx);
        let predicted: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          predicted = tf.keep(model.apply(xb, { training: true }) as tf.Tensor); // kept past variableGrads' own cleanup
          return tf.metrics.categoricalCrossentropy(yb, predicted).mean() as tf.Scalar;
        }, allVars);
        for (const s of steps) s.optimizer.applyGradients(Object.fromEntries(Object.entries(grads).filter(([name]) => s.names.has(name))));
        const hits = tf.equal(tf.argMax(predicted!, -1), tf.argMax(yb, -1)).sum();
        predicted!.dispose();
        return [value.mul(idx.shape[0]).dataSync()[0], hits.dataSync()[0]];
      });
      lossSum += l;
      correct += c;
    }
    order.dispose();
    const logs = { loss: lossSum / n, acc: correct / n };
    history.loss.push(logs.loss);
    history.acc.push(logs.acc);
    await opts.onEpochEnd?.(epoch, logs);
  }
  steps.forEach((s) => s.optimizer.dispose());
  return history;
}
