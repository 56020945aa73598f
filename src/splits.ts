// Reshaping a dataset split without tensors: seeded shuffles, train/validation splits and class subsets.
// Images are N×28×28 uint8, row-major; labels are N uint8.
import { seededPermutation } from "./seeded-random";

export interface Split {
  images: Uint8Array; // (N, 28, 28)
  labels: Uint8Array; // (N,)
  count: number;
}

const PIXELS = 28 * 28;

/** The examples at `indices`, in that order, copied into a new split. */
export function selectExamples(split: Split, indices: ArrayLike<number>): Split {
  const images = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(split.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    labels[k] = split.labels[i];
  }
  return { images, labels, count: indices.length };
}

/** The split in a seeded random order (images and labels move together). */
export function seededShuffle(split: Split, seed: number): Split {
  return selectExamples(split, seededPermutation(split.count, seed));
}

/** Shuffles with `seed`, then holds out the last `valFraction` as validation. */
export function trainValSplit(split: Split, valFraction: number, seed: number): { train: Split; val: Split } {
  if (!(valFraction > 0 && valFraction < 1)) throw new Error(`trainValSplit: valFraction must be between 0 and 1, got ${valFraction}`);
  const order = seededPermutation(split.count, seed);
  const valCount = Math.round(split.count * valFraction);
  const trainCount = split.count - valCount;
  return { train: selectExamples(split, order.subarray(0, trainCount)), val: selectExamples(split, order.subarray(trainCount)) };
}

/**
 * Keeps only the examples whose label is in `classes`. With `relabel`, the labels become each class's
 * position in `classes` (so digits 5–9 become 0–4), which a fresh softmax head expects.
 */
export function filterClasses(split: Split, classes: number[], opts: { relabel?: boolean } = {}): Split {
  const indices: number[] = [];
  for (let i = 0; i < split.count; i++) if (classes.includes(split.labels[i])) indices.push(i);
  const subset = selectExamples(split, indices);
  if (opts.relabel) subset.labels.forEach((label, i) => (subset.labels[i] = classes.indexOf(label)));
  return subset;
}

/** The first `count` examples of each class (label budgets for few-shot experiments), in original order. */
export function takePerClass(split: Split, perClass: number): Split {
  const taken = new Map<number, number>();
  const indices: number[] = [];
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i];
    const n = taken.get(label) ?? 0;
    if (n < perClass) {
      indices.push(i);
      taken.set(label, n + 1);
    }
  }
  return selectExamples(split, indices);
}

/** The examples of several splits, one after another, in a new split. */
export function concatSplits(...splits: Split[]): Split {
  const count = splits.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of splits) {
    images.set(s.images.subarray(0, s.count * PIXELS), at * PIXELS);
    labels.set(s.labels.subarray(0, s.count), at);
    at += s.count;
  }
  return { images, labels, count };
}
