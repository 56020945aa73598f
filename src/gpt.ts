// A decoder-only language model (GPT): token + position embeddings, causal transformer blocks (08's block with the
// future masked), a final LayerNorm and a head giving next-token logits; with its batches, loss, training step and
// generation loop.
import * as tf from "@tensorflow/tfjs";
import { LayerNorm, transformerBlock } from "./attention";

export interface GPTConfig {
  vocabSize: number;
  contextLength: number; // the longest sequence the model reads (T); its position table has this many rows
  dim: number; // token width
  depth: number; // number of transformer blocks
  heads: number;
  mlpDim: number;
  seed?: number; // seeds every initial weight
}

/**
 * Token ids (B, N) → vectors (B, N, dim): row `id` of a learned (vocabSize, dim) table, computed as
 * one-hot(ids) · table, which is what a lookup is. Its gradient is then a matrix product as well; a gather's
 * gradient (a scatter-add) has no wasm kernel and falls back to the cpu, seconds per step instead of milliseconds.
 */
export class TokenEmbedding extends tf.layers.Layer {
  static className = "TokenEmbedding";
  readonly vocabSize: number;
  readonly dim: number;
  readonly seed?: number;
  private table!: tf.LayerVariable; // (vocabSize, dim)

  constructor(args: { vocabSize: number; dim: number; seed?: number; name?: string }) {
    super({ name: args.name });
    this.vocabSize = args.vocabSize;
    this.dim = args.dim;
    this.seed = args.seed;
  }

  override build(): void {
    this.table = this.addWeight("embeddings", [this.vocabSize, this.dim], "float32", tf.initializers.randomNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape), this.dim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = (Array.isArray(inputs) ? inputs[0] : inputs).toInt(); // (B, N)
      // int32 one-hot, then cast: tfjs-backend-wasm 4.22's OneHot writes int32 bits even when asked for float32.
      const oneHot = tf.oneHot(ids.flatten(), this.vocabSize).toFloat(); // (B·N, vocabSize)
      return tf.matMul(oneHot, this.table.read()).reshape([...ids.shape, this.dim]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, dim: this.dim, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(TokenEmbedding);

/** Adds a learned vector per position to (B, N, dim) token embeddings, N ≤ contextLength. */
export class PositionEmbedding extends tf.layers.Layer {
  static className = "PositionEmbedding";
  readonly contextLength: number;
  readonly seed?: number;
  private position!: tf.LayerVariable; // (contextLength, dim)

  constructor(args: { contextLength: number; seed?: number; name?: string }) {
    super({ name: args.name });
    this.contextLength = args.contextLength;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const dim = (inputShape as tf.Shape).slice(-1)[0]!;
    this.position = this.addWeight("position", [this.contextLength, dim], "float32", tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const n = x.shape[1]!;
      if (n > this.contextLength) throw new Error(`PositionEmbedding: ${n} tokens exceed the context length ${this.contextLength}`);
      return x.add(this.position.read().slice([0, 0], [n, -1])); // (B, N, dim) + (N, dim)
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), contextLength: this.contextLength, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}
tf.serialization.registerClass(PositionEmbedding);

/**
 * tokens (B, N) int32, N ≤ contextLength → logits (B, N, vocabSize): at each position, scores for the next token.
 * Layers: "token_embedding", "position_embedding", blocks "block{i}" (causal, projections "block{i}_query" …),
 * "final_norm", "head". The head has no softmax: the loss and the samplers take logits.
 */
export function buildGPT(c: GPTConfig): tf.LayersModel {
  const seed = (offset: number) => (c.seed === undefined ? undefined : c.seed + offset);
  const input = tf.input({ shape: [null], dtype: "int32", name: "tokens" });
  let x = new TokenEmbedding({ vocabSize: c.vocabSize, dim: c.dim, seed: seed(0), name: "token_embedding" }).apply(input) as tf.SymbolicTensor; // (B, N, dim)
  x = new PositionEmbedding({ contextLength: c.contextLength, seed: seed(1), name: "position_embedding" }).apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < c.depth; i++) {
    x = transformerBlock(x, { dim: c.dim, heads: c.heads, mlpDim: c.mlpDim, seed: seed(2 + 10 * i), name: `block${i}`, causal: true });
  }
  x = new LayerNorm({ name: "final_norm" }).apply(x) as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: c.vocabSize, name: "head", kernelInitializer: tf.initializers.glorotUniform({ seed: seed(9999) }) });
  return tf.model({ inputs: input, outputs: head.apply(x) as tf.SymbolicTensor, name: "gpt" });
}

export interface NextTokenBatch {
  x: tf.Tensor2D; // (B, T) int32: tokens[s .. s+T)
  y: tf.Tensor2D; // (B, T) int32: tokens[s+1 .. s+T+1), the token that follows each input position
  mask?: tf.Tensor2D; // (B, T) float32: 1 where the target counts towards the loss
}

/**
 * Windows of T tokens starting at each of `starts`, with their targets shifted by one: every position of a window
 * is a training example ("given tokens s..s+t, predict s+t+1"). With `lossMask` (one flag per token), a target
 * counts only where its flag is 1, e.g. the response tokens of prompt → response data.
 */
export function nextTokenBatch(tokens: ArrayLike<number>, starts: number[], T: number, lossMask?: ArrayLike<number>): NextTokenBatch {
  if (lossMask && lossMask.length !== tokens.length) throw new Error(`lossMask has ${lossMask.length} flags for ${tokens.length} tokens`);
  const x = new Int32Array(starts.length * T);
  const y = new Int32Array(starts.length * T);
  const mask = new Float32Array(starts.length * T);
  starts.forEach((s, b) => {
    if (s < 0 || s + T + 1 > tokens.length) throw new Error(`a window of ${T} + 1 tokens at ${s} does not fit in ${tokens.length} tokens`);
    for (let t = 0; t < T; t++) {
      x[b * T + t] = tokens[s + t];
      y[b * T + t] = tokens[s + t + 1];
      mask[b * T + t] = lossMask ? lossMask[s + t + 1] : 1;
    }
  });
  const shape: [number, number] = [starts.length, T];
  return { x: tf.tensor2d(x, shape, "int32"), y: tf.tensor2d(y, shape, "int32"), ...(lossMask && { mask: tf.tensor2d(mask, shape) }) };
}

/** `batchSize` window starts drawn uniformly from the token array with `random` (e.g. seededRandom(seed)). */
export function randomStarts(tokenCount: number, T: number, batchSize: number, random: () => number): number[] {
  const positions = tokenCount - T; // starts 0 .. tokenCount − T − 1 leave room for the last target
  if (positions < 1) throw new Error(`${tokenCount} tokens are too few for windows of ${T} + 1`);
  return Array.from({ length: batchSize }, () => Math.floor(random() * positions));
}

/**
 * Mean over positions of −log softmax(logits)[target]: the softmax cross-entropy of 03 and 04, with the vocabulary
 * as the classes and every position as an example. With a mask, the mean is over the positions whose mask is 1.
 * logits (B, T, V), targets (B, T) int32, mask (B, T) → scalar, in nats (ln V for a uniform guess).
 */
export function nextTokenLoss(logits: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[logits.rank - 1];
    const logProbs = tf.logSoftmax(logits); // (B, T, V)
    const perPosition = tf.neg(tf.sum(tf.mul(tf.oneHot(targets.toInt(), vocab).toFloat(), logProbs), -1)); // (B, T)
    if (!mask) return tf.mean(perPosition) as tf.Scalar;
    return tf.div(tf.sum(tf.mul(perPosition, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/** One optimiser step on a batch; returns the batch's loss before the step. Only trainable weights move. */
export function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, batch: NextTokenBatch): number {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = optimizer.minimize(() => nextTokenLoss(model.apply(batch.x, { training: true }) as tf.Tensor, batch.y, batch.mask), true, vars)!;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Mean next-token loss (nats) of the model on the given batches, each weighted by its number of counted targets. */
export function evaluateLoss(model: tf.LayersModel, batches: NextTokenBatch[]): number {
  let total = 0;
  let count = 0;
  for (const b of batches) {
    const n = b.mask ? tf.tidy(() => b.mask!.sum().dataSync()[0]) : b.y.size;
    total += tf.tidy(() => nextTokenLoss(model.predict(b.x) as tf.Tensor, b.y, b.mask).dataSync()[0]) * n;
    count += n;
  }
  return total / count;
}

/**
 * Extends `prompt` by at most `steps` tokens, one at a time: the model reads the last contextLength tokens, and
 * `pick` chooses the next one from the logits at the last position (see sampling.ts). `stop`, if given, is asked
 * after every new token with the tokens generated so far, and ends generation when it returns true (e.g. once an
 * end marker has been written). Returns only the new tokens.
 */
export function generate(model: tf.LayersModel, prompt: number[], steps: number, contextLength: number, pick: (logits: Float32Array) => number,
  stop?: (generated: number[]) => boolean): number[] {
  if (prompt.length === 0) throw new Error("generate needs a prompt of at least one token");
  const tokens = [...prompt];
  for (let i = 0; i < steps; i++) {
    const window = tokens.slice(-contextLength);
    const logits = tf.tidy(() => {
      const out = model.predict(tf.tensor2d(window, [1, window.length], "int32")) as tf.Tensor; // (1, N, V)
      return out.slice([0, window.length - 1, 0], [1, 1, -1]).dataSync() as Float32Array;
    });
    tokens.push(pick(logits));
    if (stop?.(tokens.slice(prompt.length))) break;
  }
  return tokens.slice(prompt.length);
}
