// Weight memory and int8 quantization: what a model's parameters cost at each precision, and symmetric int8
// quantization w ≈ scale · q with q an integer in [−127, 127], per row or per tensor.
import * as tf from "@tensorflow/tfjs";
import { cloneModel } from "./transfer";

export const BYTES_PER_PARAMETER = { fp32: 4, fp16: 2, int8: 1, int4: 0.5 } as const;
export type Precision = keyof typeof BYTES_PER_PARAMETER;

/** Bytes to hold `parameters` weights at each precision (weights only: no activations, optimiser state or scales). */
export function weightMemory(parameters: number): Record<Precision, number> {
  const entries = Object.entries(BYTES_PER_PARAMETER).map(([p, bytes]) => [p, parameters * bytes]);
  return Object.fromEntries(entries) as Record<Precision, number>;
}

/** A byte count for people: "512 B", "1.5 KB", "13.5 GB" (powers of 1000, as model sizes are quoted). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  const power = Math.min(units.length - 1, Math.max(0, Math.floor(Math.log10(Math.max(bytes, 1)) / 3)));
  const value = bytes / 1000 ** power;
  return `${power === 0 ? value : value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[power]}`;
}

export interface Int8Tensor {
  q: Int8Array; // the integers, same layout as the original values
  scales: Float32Array; // one per row (rows = all axes but the last), or a single one per tensor
  shape: number[];
}

/**
 * Symmetric int8 quantization: scale = max|w| / 127 over each row (or the whole tensor), q = round(w / scale).
 * Rounding to the nearest integer makes |w − scale·q| ≤ scale / 2 for every weight; the largest weight of a row
 * is represented exactly, and 0 stays 0. Per row, one large weight only coarsens its own row.
 */
export function quantizeInt8(values: Float32Array, shape: number[], granularity: "row" | "tensor" = "row"): Int8Tensor {
  const cols = shape.length === 0 ? 1 : shape[shape.length - 1];
  const groupSize = granularity === "row" ? cols : values.length;
  const groups = values.length === 0 ? 0 : values.length / groupSize;
  const q = new Int8Array(values.length);
  const scales = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    let max = 0;
    for (let i = start; i < start + groupSize; i++) max = Math.max(max, Math.abs(values[i]));
    scales[g] = max / 127;
    if (max === 0) continue; // an all-zero group stays zero (q is already 0)
    for (let i = start; i < start + groupSize; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i] / scales[g])));
  }
  return { q, scales, shape };
}

/** scale · q, back to float32. */
export function dequantizeInt8({ q, scales }: Int8Tensor): Float32Array {
  const groupSize = scales.length === 0 ? 0 : q.length / scales.length;
  return Float32Array.from(q, (v, i) => v * scales[Math.floor(i / groupSize)]);
}

export interface QuantizedModel {
  model: tf.LayersModel; // a copy whose matrices hold dequantized int8 values
  quantizedParameters: number; // in matrices (rank ≥ 2): kernels and embeddings
  keptParameters: number; // biases and normalisation weights, left in float32 as usual (they are few)
  maxAbsError: number; // largest |w − deq(q(w))| over all quantized weights
}

/**
 * A copy of `model` with every weight matrix replaced by its int8 round trip, so its loss can be compared with
 * the original's. (The copy still computes in float32: this measures the accuracy cost, not the speed gain.)
 */
export function quantizedCopy(model: tf.LayersModel, granularity: "row" | "tensor" = "row"): QuantizedModel {
  const copy = cloneModel(model);
  let quantizedParameters = 0;
  let keptParameters = 0;
  let maxAbsError = 0;
  const weights = copy.getWeights().map((w) => {
    if (w.rank < 2) {
      keptParameters += w.size;
      return w;
    }
    const values = w.dataSync() as Float32Array;
    const restored = dequantizeInt8(quantizeInt8(values, w.shape, granularity));
    restored.forEach((v, i) => (maxAbsError = Math.max(maxAbsError, Math.abs(v - values[i]))));
    quantizedParameters += w.size;
    return tf.tensor(restored, w.shape);
  });
  copy.setWeights(weights);
  tf.dispose(weights.filter((w) => w.rank >= 2)); // setWeights copied them into the variables
  return { model: copy, quantizedParameters, keptParameters, maxAbsError };
}
