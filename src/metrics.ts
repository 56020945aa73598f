// Classification metrics on plain arrays: accuracy, confusion matrix, per-class precision/recall/F1,
// and the mistakes the model was most sure about.

/** Fraction of positions where the predicted label equals the true label. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new Error(`accuracy: ${yTrue.length} labels but ${yPred.length} predictions`);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return yTrue.length ? hits / yTrue.length : 0;
}

/** cm[t][p] = how many examples of true class t were predicted as class p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) cm[yTrue[i]][yPred[i]]++;
  return cm;
}

export interface ClassScores {
  label: number;
  /** Of the examples predicted as this class, the fraction that truly are: TP / (TP + FP). */
  precision: number;
  /** Of the examples of this class, the fraction found: TP / (TP + FN). */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** How many examples truly belong to this class. */
  support: number;
}

/** Per-class scores from a confusion matrix; an undefined ratio (0/0) counts as 0. */
export function classReport(cm: number[][]): ClassScores[] {
  return cm.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((a, r) => a + r[c], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label: c, precision, recall, f1, support };
  });
}

/** Index of the largest value in each row of a [N, K] row-major matrix. */
export function argmaxRows(probs: ArrayLike<number>, numClasses: number): Int32Array {
  const out = new Int32Array(probs.length / numClasses);
  for (let n = 0; n < out.length; n++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) if (probs[n * numClasses + k] > probs[n * numClasses + best]) best = k;
    out[n] = best;
  }
  return out;
}

export interface Mistake {
  index: number;
  trueLabel: number;
  predLabel: number;
  /** The probability the model gave its (wrong) prediction. */
  confidence: number;
}

/** The `k` wrong predictions with the highest predicted probability, most confident first. */
export function mostConfidentMistakes(yTrue: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number, k: number): Mistake[] {
  const pred = argmaxRows(probs, numClasses);
  const mistakes: Mistake[] = [];
  for (let i = 0; i < pred.length; i++)
    if (pred[i] !== yTrue[i]) mistakes.push({ index: i, trueLabel: yTrue[i], predLabel: pred[i], confidence: probs[i * numClasses + pred[i]] });
  return mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index).slice(0, k);
}

/** Mean and sample standard deviation (n − 1; 0 for a single value) of repeated runs, e.g. over seeds. */
export function meanStd(values: number[]): { mean: number; std: number } {
  if (values.length === 0) throw new Error("meanStd: no values");
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0 };
}

/** "91.24 ± 1.30%": a mean accuracy over runs with its spread, in percent. */
export function formatPercentSpread(values: number[], digits = 1): string {
  const { mean, std } = meanStd(values);
  return `${(100 * mean).toFixed(digits)} ± ${(100 * std).toFixed(digits)}%`;
}
