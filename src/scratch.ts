// CNN building blocks written from scratch on Float64Arrays, forward and backward, for teaching.
// Layout matches tfjs: images NHWC [N, H, W, C], filters HWIO [KH, KW, Cin, Cout].
// Convolution here is cross-correlation (no kernel flip), which is what CNN layers compute.
import { seededRandom } from "./seeded-random";

export interface Tensor {
  data: Float64Array;
  shape: number[];
}

export function tensor(shape: number[], data?: ArrayLike<number>): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  if (data) {
    if (data.length !== size) throw new Error(`tensor: ${data.length} values do not fill shape [${shape}]`);
    out.set(data);
  }
  return { data: out, shape: [...shape] };
}

/** Output length of a convolution or pooling window along one axis: floor((n + 2p − k) / s) + 1. */
export function outputSize(n: number, kernel: number, stride = 1, pad = 0): number {
  return Math.floor((n + 2 * pad - kernel) / stride) + 1;
}

export interface ConvOptions {
  stride?: number;
  /** Zeros added on every side of the image. */
  pad?: number;
}

// y[n,i,j,o] = b[o] + Σ_{u,v,c} x[n, i·s+u−p, j·s+v−p, c] · w[u,v,c,o]
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, { stride = 1, pad = 0 }: ConvOptions = {}): Tensor {
  const [N, H, W, C] = x.shape;
  const [KH, KW, Cin, O] = w.shape;
  if (Cin !== C) throw new Error(`conv2d: input has ${C} channels but the filter expects ${Cin}`);
  const OH = outputSize(H, KH, stride, pad);
  const OW = outputSize(W, KW, stride, pad);
  const y = tensor([N, OH, OW, O]);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let o = 0; o < O; o++) {
          let sum = b ? b.data[o] : 0;
          for (let u = 0; u < KH; u++) {
            const r = i * stride + u - pad;
            if (r < 0 || r >= H) continue;
            for (let v = 0; v < KW; v++) {
              const c0 = j * stride + v - pad;
              if (c0 < 0 || c0 >= W) continue;
              for (let c = 0; c < C; c++) sum += x.data[((n * H + r) * W + c0) * C + c] * w.data[((u * KW + v) * C + c) * O + o];
            }
          }
          y.data[((n * OH + i) * OW + j) * O + o] = sum;
        }
  return y;
}

/** Gradients of conv2d: every product x·w in the forward sum sends dy back to both factors. */
export function conv2dBackward(dy: Tensor, x: Tensor, w: Tensor, { stride = 1, pad = 0 }: ConvOptions = {}) {
  const [N, H, W, C] = x.shape;
  const [KH, KW, , O] = w.shape;
  const [, OH, OW] = dy.shape;
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([O]);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let o = 0; o < O; o++) {
          const g = dy.data[((n * OH + i) * OW + j) * O + o];
          db.data[o] += g;
          for (let u = 0; u < KH; u++) {
            const r = i * stride + u - pad;
            if (r < 0 || r >= H) continue;
            for (let v = 0; v < KW; v++) {
              const c0 = j * stride + v - pad;
              if (c0 < 0 || c0 >= W) continue;
              for (let c = 0; c < C; c++) {
                const xi = ((n * H + r) * W + c0) * C + c;
                const wi = ((u * KW + v) * C + c) * O + o;
                dx.data[xi] += g * w.data[wi];
                dw.data[wi] += g * x.data[xi];
              }
            }
          }
        }
  return { dx, dw, db };
}

export interface PoolOptions {
  size?: number;
  /** Defaults to the window size (non-overlapping windows). */
  stride?: number;
}

// Visits every pooling window of x; `visit` gets the output index and the input indices in the window.
function forEachWindow(x: Tensor, size: number, stride: number, visit: (out: number, window: number[]) => void): number[] {
  const [N, H, W, C] = x.shape;
  const OH = outputSize(H, size, stride);
  const OW = outputSize(W, size, stride);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let c = 0; c < C; c++) {
          const window: number[] = [];
          for (let u = 0; u < size; u++)
            for (let v = 0; v < size; v++) window.push(((n * H + i * stride + u) * W + j * stride + v) * C + c);
          visit(((n * OH + i) * OW + j) * C + c, window);
        }
  return [N, OH, OW, C];
}

export function maxPool(x: Tensor, { size = 2, stride = size }: PoolOptions = {}): Tensor {
  const values: number[] = [];
  const shape = forEachWindow(x, size, stride, (out, win) => (values[out] = Math.max(...win.map((k) => x.data[k]))));
  return tensor(shape, values);
}

/** Only the largest input of each window received a gradient (ties: the first one). */
export function maxPoolBackward(dy: Tensor, x: Tensor, { size = 2, stride = size }: PoolOptions = {}): Tensor {
  const dx = tensor(x.shape);
  forEachWindow(x, size, stride, (out, win) => {
    const best = win.reduce((a, k) => (x.data[k] > x.data[a] ? k : a), win[0]);
    dx.data[best] += dy.data[out];
  });
  return dx;
}

export function avgPool(x: Tensor, { size = 2, stride = size }: PoolOptions = {}): Tensor {
  const values: number[] = [];
  const shape = forEachWindow(x, size, stride, (out, win) => (values[out] = win.reduce((s, k) => s + x.data[k], 0) / win.length));
  return tensor(shape, values);
}

/** Every input of a window contributed 1/size² of the mean, so it gets that share of the gradient. */
export function avgPoolBackward(dy: Tensor, x: Tensor, { size = 2, stride = size }: PoolOptions = {}): Tensor {
  const dx = tensor(x.shape);
  forEachWindow(x, size, stride, (out, win) => win.forEach((k) => (dx.data[k] += dy.data[out] / win.length)));
  return dx;
}

export function relu(x: Tensor): Tensor {
  return tensor(x.shape, x.data.map((v) => Math.max(0, v)));
}

export function reluBackward(dy: Tensor, x: Tensor): Tensor {
  return tensor(x.shape, dy.data.map((g, i) => (x.data[i] > 0 ? g : 0)));
}

/** Row-wise softmax of logits [N, K]; subtracting the row max keeps exp() from overflowing. */
export function softmax(logits: Tensor): Tensor {
  const [N, K] = logits.shape;
  const p = tensor([N, K]);
  for (let n = 0; n < N; n++) {
    const row = logits.data.subarray(n * K, (n + 1) * K);
    const max = Math.max(...row);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += p.data[n * K + k] = Math.exp(row[k] - max);
    for (let k = 0; k < K; k++) p.data[n * K + k] /= sum;
  }
  return p;
}

/** Given dL/dp for p = softmax(z): dL/dz_k = p_k (dL/dp_k − Σ_j dL/dp_j p_j). */
export function softmaxBackward(dp: Tensor, p: Tensor): Tensor {
  const [N, K] = p.shape;
  const dz = tensor([N, K]);
  for (let n = 0; n < N; n++) {
    let dot = 0;
    for (let k = 0; k < K; k++) dot += dp.data[n * K + k] * p.data[n * K + k];
    for (let k = 0; k < K; k++) dz.data[n * K + k] = p.data[n * K + k] * (dp.data[n * K + k] - dot);
  }
  return dz;
}

/** Mean over the batch of −log p[n, label_n], for probabilities p [N, K]. */
export function crossEntropy(p: Tensor, labels: ArrayLike<number>): number {
  const [N, K] = p.shape;
  let loss = 0;
  for (let n = 0; n < N; n++) loss -= Math.log(p.data[n * K + labels[n]]);
  return loss / N;
}

export function crossEntropyBackward(p: Tensor, labels: ArrayLike<number>): Tensor {
  const [N, K] = p.shape;
  const dp = tensor([N, K]);
  for (let n = 0; n < N; n++) dp.data[n * K + labels[n]] = -1 / (N * p.data[n * K + labels[n]]);
  return dp;
}

/** Fully connected layer: y [N, K] = x [N, D] · w [D, K] + b [K]. */
export function dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const N = x.shape[0];
  const [D, K] = w.shape;
  const y = tensor([N, K]);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++) {
      let sum = b.data[k];
      for (let d = 0; d < D; d++) sum += x.data[n * D + d] * w.data[d * K + k];
      y.data[n * K + k] = sum;
    }
  return y;
}

export function denseBackward(dy: Tensor, x: Tensor, w: Tensor) {
  const N = x.shape[0];
  const [D, K] = w.shape;
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([K]);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++) {
      const g = dy.data[n * K + k];
      db.data[k] += g;
      for (let d = 0; d < D; d++) {
        dx.data[n * D + d] += g * w.data[d * K + k];
        dw.data[d * K + k] += g * x.data[n * D + d];
      }
    }
  return { dx, dw, db };
}

/** Parameters of the tiny net: conv (3×3, pad 1) → ReLU → 2×2 max pool → flatten → dense → softmax. */
export interface TinyNet {
  convW: Tensor; // [3, 3, C, F]
  convB: Tensor; // [F]
  denseW: Tensor; // [(H/2)·(W/2)·F, K]
  denseB: Tensor; // [K]
}

export function tinyNetForward(net: TinyNet, x: Tensor, labels: ArrayLike<number>) {
  const conv = conv2d(x, net.convW, net.convB, { pad: 1 }); // [N, H, W, F]
  const act = relu(conv);
  const pooled = maxPool(act); // [N, H/2, W/2, F]
  const flat = { data: pooled.data, shape: [x.shape[0], pooled.data.length / x.shape[0]] };
  const p = softmax(dense(flat, net.denseW, net.denseB)); // [N, K]
  return { loss: crossEntropy(p, labels), cache: { conv, act, pooled, flat, p } };
}

/** Backpropagation: walk the forward pass in reverse, each step turning dL/d(output) into dL/d(input). */
export function tinyNetBackward(net: TinyNet, x: Tensor, labels: ArrayLike<number>): TinyNet {
  const { cache } = tinyNetForward(net, x, labels);
  const dLogits = softmaxBackward(crossEntropyBackward(cache.p, labels), cache.p);
  const d = denseBackward(dLogits, cache.flat, net.denseW);
  const dPooled = { data: d.dx.data, shape: cache.pooled.shape };
  const dConv = reluBackward(maxPoolBackward(dPooled, cache.act), cache.conv);
  const c = conv2dBackward(dConv, x, net.convW, { pad: 1 });
  return { convW: c.dw, convB: c.db, denseW: d.dw, denseB: d.db };
}

/**
 * Central finite differences: dL/dθ_i ≈ (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε, for each entry of `param`
 * (changed in place and restored). Returns the numerical gradient.
 */
export function numericalGradient(loss: () => number, param: Tensor, eps = 1e-5): Tensor {
  const grad = tensor(param.shape);
  for (let i = 0; i < param.data.length; i++) {
    const saved = param.data[i];
    param.data[i] = saved + eps;
    const plus = loss();
    param.data[i] = saved - eps;
    const minus = loss();
    param.data[i] = saved;
    grad.data[i] = (plus - minus) / (2 * eps);
  }
  return grad;
}

/** max_i |a_i − b_i| / max_i max(|a_i|, |b_i|): error relative to the gradient's scale, so near-zero entries do not blow it up. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths differ (${a.length} vs ${b.length})`);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  }
  return diff / scale;
}

/** Checks an analytic gradient against finite differences; returns the relative error. */
export function gradientCheck(loss: () => number, param: Tensor, analytic: Tensor, eps = 1e-5): number {
  return relativeError(analytic.data, numericalGradient(loss, param, eps).data);
}

/** Seeded uniform random tensor in [−scale, scale), so examples are reproducible. */
export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const random = seededRandom(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = random() * 2 * scale - scale;
  return t;
}
