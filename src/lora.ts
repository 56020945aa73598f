// LoRA: adapt a frozen Dense layer with a trainable low-rank update, y = f(x·W + b + (α/r)·x·A·B).
import * as tf from "@tensorflow/tfjs";
import { rebuildModel } from "./transfer";

export interface LoRAArgs {
  rank: number;
  alpha?: number; // update scale α/r; defaults to α = rank, i.e. scale 1
  kernel: tf.Tensor2D; // frozen W (in, units)
  bias?: tf.Tensor1D; // frozen b (units)
  activation?: string; // f, as a tf.layers activation name; default linear
  seed?: number;
  name?: string;
}

/**
 * A Dense layer whose W and b are frozen, plus A (in, r) drawn at random and B (r, units) set to 0.
 * Because B = 0 the layer starts out computing exactly what the frozen layer did; training moves only A and B,
 * r·(in + units) numbers instead of in·units.
 */
export class LoRADense extends tf.layers.Layer {
  static className = "LoRADense";
  readonly rank: number;
  readonly alpha: number;
  readonly units: number;
  readonly activation: string;
  private readonly activate: tf.layers.Layer;
  private readonly init: { kernel: tf.Tensor2D; bias: tf.Tensor1D; seed?: number };
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;
  private loraA!: tf.LayerVariable;
  private loraB!: tf.LayerVariable;

  constructor(args: LoRAArgs) {
    super({ name: args.name });
    this.rank = args.rank;
    this.alpha = args.alpha ?? args.rank;
    this.units = args.kernel.shape[1];
    this.activation = args.activation ?? "linear";
    this.activate = tf.layers.activation({ activation: this.activation as "linear" });
    this.init = { kernel: args.kernel.clone(), bias: args.bias?.clone() ?? tf.zeros([this.units]), seed: args.seed };
  }

  /** Wrap a trained Dense layer, copying its weights and activation. */
  static fromDense(dense: tf.layers.Layer, rank: number, alpha?: number, seed?: number): LoRADense {
    if (dense.getClassName() !== "Dense") throw new Error(`LoRA wraps Dense layers; "${dense.name}" is a ${dense.getClassName()}`);
    const [kernel, bias] = dense.getWeights() as [tf.Tensor2D, tf.Tensor1D?];
    return new LoRADense({ rank, alpha, kernel, bias, seed, activation: dense.getConfig().activation as string, name: dense.name });
  }

  get scale(): number {
    return this.alpha / this.rank;
  }

  override build(): void {
    const [inDim, units] = this.init.kernel.shape;
    // Kaiming-style uniform init for A, as in the LoRA reference code; B = 0 makes the initial update exactly zero.
    const limit = 1 / Math.sqrt(inDim);
    this.loraA = this.addWeight("lora_a", [inDim, this.rank], "float32", tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.init.seed }));
    this.loraB = this.addWeight("lora_b", [this.rank, units], "float32", tf.initializers.zeros());
    this.kernel = this.addWeight("kernel", [inDim, units], "float32", tf.initializers.zeros(), undefined, false);
    this.bias = this.addWeight("bias", [units], "float32", tf.initializers.zeros(), undefined, false);
    this.kernel.write(this.init.kernel);
    this.bias.write(this.init.bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const flat = x.reshape([-1, x.shape[x.rank - 1]]); // (tokens, in)
      const frozen = tf.matMul(flat, this.kernel.read()).add(this.bias.read());
      const update = tf.matMul(tf.matMul(flat, this.loraA.read()), this.loraB.read()).mul(this.scale); // (tokens, r) · (r, units)
      return this.activate.apply(frozen.add(update).reshape([...x.shape.slice(0, -1), this.units])) as tf.Tensor;
    });
  }

  /** The single weight this layer is equivalent to: W + (α/r)·A·B, and b. */
  merged(): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
    return tf.tidy(() => ({
      kernel: this.kernel.read().add(tf.matMul(this.loraA.read(), this.loraB.read()).mul(this.scale)) as tf.Tensor2D,
      bias: this.bias.read().clone() as tf.Tensor1D,
    }));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rank: this.rank, alpha: this.alpha, units: this.units, activation: this.activation };
  }
}

export interface AddLoRAOptions {
  rank: number;
  alpha?: number;
  seed?: number;
  /** Which Dense layers get an adapter, e.g. the attention's query and value projections. */
  target: (layer: tf.layers.Layer) => boolean;
  /** Layers that stay fully trainable besides the adapters (usually a new head). */
  trainable?: string[];
}

/** A copy of `model` with LoRA adapters on the targeted Dense layers and every other weight frozen. */
export function addLoRA(model: tf.LayersModel, opts: AddLoRAOptions): tf.LayersModel {
  let seed = opts.seed ?? 0;
  const adapted = rebuildModel(model, (layer) => (opts.target(layer) ? LoRADense.fromDense(layer, opts.rank, opts.alpha, seed++) : undefined));
  for (const layer of adapted.layers) {
    if (!(layer instanceof LoRADense)) layer.trainable = (opts.trainable ?? []).includes(layer.name);
  }
  return adapted;
}

/** A copy of `model` with every LoRA layer merged back into a plain Dense layer holding W + (α/r)·A·B. */
export function mergeLoRA(model: tf.LayersModel): tf.LayersModel {
  return rebuildModel(model, (layer) => {
    if (!(layer instanceof LoRADense)) return undefined;
    const { kernel, bias } = layer.merged();
    return tf.layers.dense({ units: layer.units, activation: layer.activation as "linear", name: layer.name, weights: [kernel, bias] });
  });
}
