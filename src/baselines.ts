// Classifiers without learning, to have a number to beat: nearest centroid and k-nearest neighbours;
// and PCA, to look at 784-dimensional images in 2-D. Inputs are float tensors [N, D] (flattened images).

import * as tf from "@tensorflow/tfjs";

/** Mean image of each class: [K, D]. */
export function classMeans(x: tf.Tensor2D, labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(Array.from(labels), "int32"), numClasses).toFloat(); // [N, K]
    const sums = tf.matMul(oneHot, x, true, false); // [K, D]
    return sums.div(oneHot.sum(0).expandDims(1));
  });
}

// Squared distances between every row of a [M, D] and every row of b [N, D]: |a|² + |b|² − 2 a·b, [M, N].
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => a.square().sum(1, true).add(b.square().sum(1).expandDims(0)).sub(tf.matMul(a, b, false, true).mul(2)));
}

/** Predicts the class whose mean image is closest (Euclidean distance). */
export function nearestCentroid(means: tf.Tensor2D, x: tf.Tensor2D): Int32Array {
  return tf.tidy(() => squaredDistances(x, means).argMin(1).dataSync() as Int32Array);
}

/** k-nearest neighbours by Euclidean distance, majority vote (ties go to the nearer neighbour). */
export function knnPredict(trainX: tf.Tensor2D, trainLabels: ArrayLike<number>, x: tf.Tensor2D, k: number, batchSize = 500): Int32Array {
  const out = new Int32Array(x.shape[0]);
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const idx = tf.tidy(() => {
      const batch = x.slice(start, Math.min(batchSize, x.shape[0] - start));
      return tf.topk(squaredDistances(batch, trainX).neg(), k).indices.arraySync() as number[][]; // nearest first
    });
    idx.forEach((neighbours, row) => {
      const votes = new Map<number, number>();
      for (const i of neighbours) votes.set(trainLabels[i], (votes.get(trainLabels[i]) ?? 0) + 1);
      const top = Math.max(...votes.values());
      out[start + row] = trainLabels[neighbours.find((i) => votes.get(trainLabels[i]) === top)!];
    });
  }
  return out;
}

/**
 * The top principal directions of x (after centring) by power iteration on the covariance matrix,
 * and x projected onto them: directions [c, D], projection [N, c].
 */
export function pca(x: tf.Tensor2D, components = 2, iterations = 100): { directions: tf.Tensor2D; projection: tf.Tensor2D } {
  return tf.tidy(() => {
    const centred = x.sub(x.mean(0));
    let cov = tf.matMul(centred, centred, true, false).div(x.shape[0]) as tf.Tensor2D; // [D, D]
    const dirs: tf.Tensor2D[] = [];
    for (let c = 0; c < components; c++) {
      let v = tf.ones([x.shape[1], 1]).div(Math.sqrt(x.shape[1])) as tf.Tensor2D;
      for (let i = 0; i < iterations; i++) {
        const w = tf.matMul(cov, v);
        v = w.div(w.norm()) as tf.Tensor2D;
      }
      const lambda = tf.matMul(tf.matMul(v, cov, true, false), v); // [1, 1]
      cov = cov.sub(tf.matMul(v, v, false, true).mul(lambda)) as tf.Tensor2D; // deflate: remove this direction
      dirs.push(v.transpose() as tf.Tensor2D);
    }
    const directions = tf.concat(dirs, 0) as tf.Tensor2D;
    return { directions, projection: tf.matMul(centred, directions, false, true) as tf.Tensor2D };
  });
}
