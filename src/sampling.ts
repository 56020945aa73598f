// Choosing the next token from a model's logits (V scores): greedy, or a seeded draw from softmax(logits / T),
// optionally restricted to the k most likely tokens.
import { seededRandom } from "./seeded-random";

/** The index of the largest logit (the first one on a tie). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/**
 * softmax(logits / T): T < 1 sharpens the distribution towards the argmax, T > 1 flattens it towards uniform.
 * Logits of −∞ (tokens ruled out) get probability exactly 0.
 */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature: number): Float64Array {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature} (use greedy decoding for 0)`);
  const max = Math.max(...Array.from(logits));
  const p = Float64Array.from(logits, (z) => Math.exp((z - max) / temperature)); // minus the max: no overflow
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}

/** The logits with all but the k largest set to −∞ (exactly k survive; on a tie the lower index wins). */
export function topKLogits(logits: ArrayLike<number>, k: number): Float64Array {
  const order = Array.from(logits, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const out = new Float64Array(logits.length).fill(-Infinity);
  for (const i of order.slice(0, k)) out[i] = logits[i];
  return out;
}

/** Draws an index from probabilities p (summing to 1) with one uniform number u in [0, 1). */
export function drawIndex(p: ArrayLike<number>, u: number): number {
  let cumulative = 0;
  for (let i = 0; i < p.length; i++) {
    cumulative += p[i];
    if (u < cumulative) return i;
  }
  let last = p.length - 1; // u fell past a cumulative sum just below 1 by rounding: the last possible token
  while (p[last] === 0) last--;
  return last;
}

export interface SamplingOptions {
  /** 0 means greedy (always the argmax); default 1, the model's own distribution. */
  temperature?: number;
  /** Only the k most likely tokens can be drawn; default all. */
  topK?: number;
  /** Seeds the draws: the same seed gives the same choices for the same logits. */
  seed?: number;
}

/** A next-token chooser `(logits) → token id`, with its own seeded random sequence. */
export function makeSampler({ temperature = 1, topK, seed = 0 }: SamplingOptions = {}): (logits: ArrayLike<number>) => number {
  if (temperature === 0) return argmax;
  const random = seededRandom(seed);
  return (logits) => drawIndex(softmaxWithTemperature(topK === undefined ? logits : topKLogits(logits, topK), temperature), random());
}
