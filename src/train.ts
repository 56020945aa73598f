// trainWithProgress: a training loop for tf.layers classifiers that shows what is happening.
// In a notebook: ONE progress output redrawn in place a few times a second (epoch, batch, loss,
// accuracy, samples/s, ETA) and live loss/accuracy curves redrawn after every epoch; the executed
// notebook keeps only their final state. Outside a kernel it is silent, or prints one line per
// epoch with progress: "console".
// The loop is written out (rather than model.fit) so that the shuffle is seeded, the learning rate
// can change per epoch, and early stopping can restore the best weights.

import * as tf from "@tensorflow/tfjs";
import { inKernel, LiveDisplay } from "./display";
import { Figure, LiveFigure, TITLE_MARGIN, plotTitle } from "./plots";
import { seededPermutation } from "./seeded-random";

export interface TrainOptions {
  epochs: number;
  batchSize?: number;
  /** Adam's learning rate at epoch 1 (used when the model is not compiled yet). */
  learningRate?: number;
  /**
   * Learning rate as a function of the (fractional, 0-based) epoch: called before every batch with
   * epoch + batch/batches, so a schedule can be smooth (`oneCycle`) or step per epoch (`Math.floor`).
   */
  lrSchedule?: (epoch: number) => number;
  /** Data to validate on after every epoch... */
  validationData?: [tf.Tensor, tf.Tensor];
  /** ...or the fraction of the training data (seeded random rows) to hold out for it. */
  validationSplit?: number;
  /** Stop when the validation loss has not improved for `patience` epochs, and restore the best weights. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Seeds the per-epoch shuffle (and the validation split). */
  seed?: number;
  /** Called on each training batch [B, 28, 28, 1], e.g. random augmentation; must return a new tensor. */
  augment?: (x: tf.Tensor4D) => tf.Tensor4D;
  /** "auto": live display in a notebook, silent elsewhere. */
  progress?: "auto" | "console" | "none";
  /** Heading of the progress display, e.g. the model's name. */
  title?: string;
}

export interface History {
  loss: number[];
  acc: number[];
  valLoss: number[];
  valAcc: number[];
  lr: number[];
  /** Wall-clock seconds of each epoch (training only, validation excluded). */
  epochSeconds: number[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  stoppedEarly: boolean;
}

const UPDATES_PER_SECOND = 4;

/** Splits rows of x and y into train and validation parts with a seeded permutation. */
function splitRows(x: tf.Tensor, y: tf.Tensor, fraction: number, seed: number) {
  const n = x.shape[0];
  const order = Array.from(seededPermutation(n, seed));
  const valCount = Math.round(n * fraction);
  const pick = (rows: number[]) => [tf.gather(x, rows), tf.gather(y, rows)] as [tf.Tensor, tf.Tensor];
  return { train: pick(order.slice(valCount)), val: pick(order.slice(0, valCount)) };
}

/**
 * The one-cycle schedule (Smith & Topin 2018), as `lrSchedule`: the rate climbs linearly from maxLr/25 to
 * maxLr over the first `warmup` share of training, then falls along a cosine to about zero at the end.
 * The warm-up keeps Adam's first, badly estimated steps small; the long fall lets the weights settle.
 */
export function oneCycle(maxLr: number, epochs: number, warmup = 0.2): (epoch: number) => number {
  return (epoch) => {
    const t = Math.min(Math.max(epoch / epochs, 0), 1);
    if (t < warmup) return maxLr * (0.04 + 0.96 * (t / warmup));
    return maxLr * 0.5 * (1 + Math.cos((Math.PI * (t - warmup)) / (1 - warmup)));
  };
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

/** Loss (left) and accuracy (right) per epoch, training and validation, as one two-panel figure. */
export function historyFigure(h: History, title = "Training curves"): Figure {
  const epochs = h.loss.map((_, i) => i + 1);
  // One legend entry per data split; both panels share it (legendgroup).
  const trace = (split: "train" | "validation", y: number[], panel: 1 | 2) => ({
    type: "scatter",
    mode: "lines+markers",
    name: split,
    legendgroup: split,
    showlegend: panel === 1,
    x: epochs.slice(0, y.length),
    y,
    xaxis: panel === 1 ? "x" : "x2",
    yaxis: panel === 1 ? "y" : "y2",
    line: split === "train" ? { color: "#1f77b4" } : { color: "#ff7f0e", dash: "dash" },
  });
  const data = [trace("train", h.loss, 1), trace("validation", h.valLoss, 1), trace("train", h.acc, 2), trace("validation", h.valAcc, 2)];
  const dtick = Math.max(1, Math.ceil(epochs.length / 10)); // whole epochs only
  const layout = {
    title: plotTitle(title),
    height: 356,
    margin: { l: 60, r: 20, t: TITLE_MARGIN, b: 50 },
    xaxis: { domain: [0, 0.45], title: { text: "epoch" }, dtick },
    yaxis: { title: { text: "loss" } },
    xaxis2: { domain: [0.55, 1], title: { text: "epoch" }, anchor: "y2", dtick },
    yaxis2: { title: { text: "accuracy" }, anchor: "x2" },
    legend: { orientation: "h", y: -0.25 },
  };
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

/**
 * Trains `model` (compiled here with Adam + categorical cross-entropy + accuracy if it is not
 * compiled yet) on images x [N, 28, 28, 1] and one-hot labels y [N, K]. Returns the history.
 */
export async function trainWithProgress(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, options: TrainOptions): Promise<History> {
  const { epochs, batchSize = 64, learningRate = 1e-3, seed = 0, earlyStopping, augment } = options;
  if (!model.optimizer) model.compile({ optimizer: tf.train.adam(learningRate), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const mode = options.progress ?? "auto";
  const live = mode === "auto" ? inKernel() : false;
  const title = options.title ?? model.name;

  const split = options.validationSplit ? splitRows(x, y, options.validationSplit, seed) : null;
  const [xTrain, yTrain] = split ? split.train : [x, y];
  const validation = split ? split.val : options.validationData;
  const n = xTrain.shape[0];
  const batches = Math.ceil(n / batchSize);

  const history: History = { loss: [], acc: [], valLoss: [], valAcc: [], lr: [], epochSeconds: [], bestEpoch: 0, stoppedEarly: false };
  const progress = live ? new LiveDisplay() : null;
  const curves = live ? new LiveFigure() : null;
  const optimizer = model.optimizer as unknown as { learningRate: number };
  let best: { loss: number; weights: tf.Tensor[] } | null = null;
  let samplesSeen = 0;
  let trainSeconds = 0;

  const show = (text: string, fraction: number) =>
    progress?.show({
      "text/html": `<div style="font-family:monospace;white-space:pre-wrap"><b>${title}</b>  <progress value="${fraction.toFixed(3)}" max="1" style="vertical-align:middle"></progress>  ${text}</div>`,
      "text/plain": `${title}  ${text}`,
    });

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (options.lrSchedule) optimizer.learningRate = options.lrSchedule(epoch);
      history.lr.push(optimizer.learningRate); // the rate at the start of the epoch
      const order = Array.from(seededPermutation(n, seed + 1000 * (epoch + 1)));
      const start = performance.now();
      let lastShown = 0;
      let lossSum = 0;
      let accSum = 0;
      let count = 0;
      for (let b = 0; b < batches; b++) {
        if (options.lrSchedule && b > 0) optimizer.learningRate = options.lrSchedule(epoch + b / batches);
        const rows = order.slice(b * batchSize, (b + 1) * batchSize);
        const [xb, yb] = tf.tidy(() => {
          const xs = tf.gather(xTrain, rows) as tf.Tensor4D;
          return [augment ? augment(xs) : xs, tf.gather(yTrain, rows)];
        });
        const [loss, acc] = (await model.trainOnBatch(xb, yb)) as number[];
        tf.dispose([xb, yb]);
        lossSum += loss * rows.length;
        accSum += acc * rows.length;
        count += rows.length;
        samplesSeen += rows.length;
        const now = performance.now();
        if (progress && (now - lastShown > 1000 / UPDATES_PER_SECOND || b === batches - 1)) {
          lastShown = now;
          const rate = samplesSeen / (trainSeconds + (now - start) / 1000);
          const remaining = (epochs - epoch) * n - count;
          show(
            `epoch ${epoch + 1}/${epochs}  batch ${b + 1}/${batches}  loss ${(lossSum / count).toFixed(4)}  acc ${(accSum / count).toFixed(4)}  ${Math.round(rate)} samples/s  ETA ${clock(remaining / rate)}`,
            (epoch * n + count) / (epochs * n),
          );
        }
        await tf.nextFrame(); // lets the kernel send display messages while we train
      }
      const seconds = (performance.now() - start) / 1000;
      trainSeconds += seconds;
      history.epochSeconds.push(seconds);
      history.loss.push(lossSum / n);
      history.acc.push(accSum / n);

      let monitored = lossSum / n;
      if (validation) {
        const [vLoss, vAcc] = tf.tidy(() => (model.evaluate(validation[0], validation[1], { batchSize: 256 }) as tf.Scalar[]).map((t) => t.dataSync()[0]));
        history.valLoss.push(vLoss);
        history.valAcc.push(vAcc);
        monitored = vLoss;
      }
      const epochLine = `epoch ${epoch + 1}/${epochs}  loss ${history.loss[epoch].toFixed(4)}  acc ${history.acc[epoch].toFixed(4)}` + (validation ? `  val_loss ${history.valLoss[epoch].toFixed(4)}  val_acc ${history.valAcc[epoch].toFixed(4)}` : "") + `  ${seconds.toFixed(1)} s`;
      if (mode === "console") console.log(`${title}  ${epochLine}`);
      curves?.show(historyFigure(history, `${title}: training curves`));

      if (!best || monitored < best.loss - (earlyStopping?.minDelta ?? 0)) {
        if (earlyStopping) tf.dispose(best?.weights ?? []);
        best = { loss: monitored, weights: earlyStopping ? model.getWeights().map((w) => w.clone()) : [] };
        history.bestEpoch = epoch + 1;
      } else if (earlyStopping && epoch + 1 - history.bestEpoch >= earlyStopping.patience) {
        history.stoppedEarly = true;
        break;
      }
    }
    if (earlyStopping && best && history.bestEpoch < history.loss.length) model.setWeights(best.weights);
    if (!earlyStopping) history.bestEpoch = history.loss.length;
  } finally {
    tf.dispose(best?.weights ?? []);
    if (split) tf.dispose([...split.train, ...split.val]);
  }

  const done = history.loss.length;
  const last = done - 1;
  const summary =
    `done: ${done} epochs in ${trainSeconds.toFixed(1)} s, ${Math.round(samplesSeen / trainSeconds)} samples/s` +
    (validation ? ` · weights from epoch ${history.bestEpoch}: val_loss ${history.valLoss[history.bestEpoch - 1].toFixed(4)}, val_acc ${history.valAcc[history.bestEpoch - 1].toFixed(4)}` : ` · final loss ${history.loss[last].toFixed(4)}`) +
    (history.stoppedEarly ? ` · stopped early (no better val_loss for ${options.earlyStopping?.patience} epochs)` : "");
  show(summary, 1);
  curves?.finish(historyFigure(history, `${title}: training curves`));
  if (mode === "console") console.log(`${title}  ${summary}`);
  return history;
}
