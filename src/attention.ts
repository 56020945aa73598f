// Attention: patch embedding, scaled dot-product self-attention (optionally causal), a transformer block and a tiny ViT.
import * as tf from "@tensorflow/tfjs";

/**
 * The causal mask (N, N): 0 on and below the diagonal, −∞ above it. Added to the scores before the softmax,
 * it gives the keys after each query exactly zero weight, so position t only sees positions 0..t.
 */
export function causalMask(n: number): tf.Tensor2D {
  const mask = new Float32Array(n * n);
  for (let row = 0; row < n; row++) mask.fill(-Infinity, row * n + row + 1, (row + 1) * n);
  return tf.tensor2d(mask, [n, n]);
}

/**
 * softmax(Q Kᵀ / √d_k [+ causal mask]) V.  q, k, v: (..., N, d_k) → output (..., N, d_k) and weights (..., N, N),
 * each row summing to 1. With `causal`, row t has zero weight on every key after t.
 */
export function scaledDotProductAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, opts: { causal?: boolean } = {}): { output: tf.Tensor; weights: tf.Tensor } {
  return tf.tidy(() => {
    const dk = q.shape[q.rank - 1];
    const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(dk)); // (..., N, N)
    const weights = tf.softmax(opts.causal ? scores.add(causalMask(q.shape[q.rank - 2])) : scores);
    return { output: tf.matMul(weights, v), weights };
  });
}

export interface PatchEmbeddingArgs {
  patchSize: number;
  dim: number;
  seed?: number; // seeds the initial weights
  name?: string;
}

/**
 * Cuts an image into non-overlapping p×p patches, flattens each one and projects it to `dim` numbers,
 * then adds a learned position embedding. (B, H, W, C) → (B, N, dim) with N = (H/p)·(W/p).
 * Written as reshape + matMul rather than a strided conv so it also trains on the wasm backend.
 */
export class PatchEmbedding extends tf.layers.Layer {
  static className = "PatchEmbedding";
  readonly patchSize: number;
  readonly dim: number;
  readonly seed?: number;
  private kernel!: tf.LayerVariable; // (p·p·C, dim)
  private bias!: tf.LayerVariable; // (dim)
  private position!: tf.LayerVariable; // (N, dim)

  constructor(args: PatchEmbeddingArgs) {
    super({ name: args.name });
    this.patchSize = args.patchSize;
    this.dim = args.dim;
    this.seed = args.seed;
  }

  private grid(inputShape: tf.Shape): { rows: number; cols: number; patchLength: number } {
    const [, h, w, c] = inputShape as number[];
    const p = this.patchSize;
    if (h % p !== 0 || w % p !== 0) throw new Error(`PatchEmbedding: a ${h}×${w} image does not split into ${p}×${p} patches`);
    return { rows: h / p, cols: w / p, patchLength: p * p * c };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const { rows, cols, patchLength } = this.grid(inputShape as tf.Shape);
    this.kernel = this.addWeight("kernel", [patchLength, this.dim], "float32", tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight("bias", [this.dim], "float32", tf.initializers.zeros());
    this.position = this.addWeight("position", [rows * cols, this.dim], "float32", tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const { rows, cols } = this.grid(inputShape as tf.Shape);
    return [(inputShape as tf.Shape)[0], rows * cols, this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const p = this.patchSize;
      const { rows, cols, patchLength } = this.grid(x.shape);
      const patches = x
        .reshape([-1, rows, p, cols, p * x.shape[3]!]) // split H into (rows, p) and W into (cols, p·C)
        .transpose([0, 1, 3, 2, 4]) // (B, rows, cols, p, p·C)
        .reshape([-1, patchLength]); // (B·N, p·p·C), patches in reading order
      const tokens = tf.matMul(patches, this.kernel.read()).reshape([-1, rows * cols, this.dim]); // (B, N, dim)
      return tokens.add(this.bias.read()).add(this.position.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize, dim: this.dim, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

/**
 * Multi-head scaled dot-product attention over already-projected [query, key, value], each (B, N, D).
 * The D features are split into `heads` groups of D/heads that attend independently; output (B, N, D).
 * It has no weights: the Q/K/V/output projections are ordinary Dense layers around it, which is what LoRA adapts.
 * `causal` masks the future (a decoder, e.g. a language model); the default, false, lets every token see all (ViT).
 */
export class MultiHeadAttention extends tf.layers.Layer {
  static className = "MultiHeadAttention";
  readonly heads: number;
  readonly causal: boolean;

  constructor(args: { heads: number; causal?: boolean; name?: string }) {
    super({ name: args.name });
    this.heads = args.heads;
    this.causal = args.causal ?? false;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0];
  }

  /** Attention weights (B, heads, N, N) for [q, k, v] — what the layer's output is a weighted average with. */
  attend(inputs: tf.Tensor[]): { output: tf.Tensor; weights: tf.Tensor } {
    return tf.tidy(() => {
      const [n, d] = inputs[0].shape.slice(1) as number[];
      if (d % this.heads !== 0) throw new Error(`MultiHeadAttention: ${d} features do not split into ${this.heads} heads`);
      const split = (t: tf.Tensor) => t.reshape([-1, n, this.heads, d / this.heads]).transpose([0, 2, 1, 3]); // (B, h, N, d/h)
      const { output, weights } = scaledDotProductAttention(split(inputs[0]), split(inputs[1]), split(inputs[2]), { causal: this.causal });
      return { output: output.transpose([0, 2, 1, 3]).reshape([-1, n, d]), weights };
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 3) throw new Error("MultiHeadAttention expects [query, key, value]");
    const { output, weights } = this.attend(inputs);
    weights.dispose();
    return output;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ...(this.causal ? { causal: true } : {}) };
  }
}

/**
 * Layer normalisation over the last axis: (x − mean) / √(var + ε) · γ + β, per token.
 * tf.layers.layerNormalization tiles its statistics, and the gradient of tile costs one slice per copy,
 * which made it the slowest part of ViT training; broadcasting gives the same result without that cost.
 */
export class LayerNorm extends tf.layers.Layer {
  static className = "LayerNorm";
  readonly epsilon = 1e-5;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const dim = (inputShape as tf.Shape).slice(-1)[0]!;
    this.gamma = this.addWeight("gamma", [dim], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [dim], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { mean, variance } = tf.moments(x, -1, true);
      return x.sub(mean).mul(tf.rsqrt(variance.add(this.epsilon))).mul(this.gamma.read()).add(this.beta.read());
    });
  }
}

tf.serialization.registerClass(PatchEmbedding);
tf.serialization.registerClass(LayerNorm);
tf.serialization.registerClass(MultiHeadAttention);

export interface BlockArgs {
  dim: number;
  heads: number;
  mlpDim: number;
  name: string;
  seed?: number; // the block's Dense layers use seed, seed + 1, …
  causal?: boolean; // mask the future: a decoder block (GPT) instead of an encoder block (ViT)
}

/**
 * A pre-norm transformer block on (B, N, dim) tokens:
 *   x = x + Out(Attention(Q(LN(x)), K(LN(x)), V(LN(x))));   x = x + MLP(LN(x)).
 * Projection layers are named `${name}_query`, `_key`, `_value`, `_out` so they can be found later (LoRA).
 */
export function transformerBlock(x: tf.SymbolicTensor, { dim, heads, mlpDim, name, seed, causal }: BlockArgs): tf.SymbolicTensor {
  let next = seed;
  const dense = (units: number, suffix: string, activation?: "gelu") =>
    tf.layers.dense({ units, activation, name: `${name}_${suffix}`, kernelInitializer: tf.initializers.glorotUniform({ seed: next === undefined ? undefined : next++ }) });
  const h = new LayerNorm({ name: `${name}_norm1` }).apply(x) as tf.SymbolicTensor;
  const [q, k, v] = ["query", "key", "value"].map((s) => dense(dim, s).apply(h) as tf.SymbolicTensor);
  const attended = new MultiHeadAttention({ heads, causal, name: `${name}_attention` }).apply([q, k, v]) as tf.SymbolicTensor;
  const a = dense(dim, "out").apply(attended) as tf.SymbolicTensor;
  const x1 = tf.layers.add({ name: `${name}_residual1` }).apply([x, a]) as tf.SymbolicTensor;
  const h2 = new LayerNorm({ name: `${name}_norm2` }).apply(x1) as tf.SymbolicTensor;
  const m = dense(dim, "mlp2").apply(dense(mlpDim, "mlp1", "gelu").apply(h2)) as tf.SymbolicTensor;
  return tf.layers.add({ name: `${name}_residual2` }).apply([x1, m]) as tf.SymbolicTensor;
}

export interface ViTConfig {
  imageSize: number; // square images, e.g. 28
  channels: number;
  patchSize: number; // must divide imageSize
  dim: number; // token width
  depth: number; // number of transformer blocks
  heads: number;
  mlpDim: number;
  classes: number;
  seed?: number; // seeds every initial weight, so a run can be repeated exactly
}

/** A tiny Vision Transformer: patches → tokens → `depth` blocks → mean over tokens → softmax head (layer "head"). */
export function buildViT(c: ViTConfig): tf.LayersModel {
  const input = tf.input({ shape: [c.imageSize, c.imageSize, c.channels], name: "image" });
  const seed = (offset: number) => (c.seed === undefined ? undefined : c.seed + offset);
  let x = new PatchEmbedding({ patchSize: c.patchSize, dim: c.dim, seed: seed(0), name: "patch_embedding" }).apply(input) as tf.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) x = transformerBlock(x, { dim: c.dim, heads: c.heads, mlpDim: c.mlpDim, seed: seed(1 + 10 * i), name: `block${i}` });
  x = new LayerNorm({ name: "final_norm" }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: "token_mean" }).apply(x) as tf.SymbolicTensor; // (B, dim)
  const head = tf.layers.dense({ units: c.classes, activation: "softmax", name: "head", kernelInitializer: tf.initializers.glorotUniform({ seed: seed(9999) }) });
  const output = head.apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: "vit" });
}
