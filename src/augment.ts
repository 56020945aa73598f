// Data augmentation on image tensors: random rotation, translation and scale, seeded.
import * as tf from "@tensorflow/tfjs";

/** One affine jitter: rotation in degrees (positive = counter-clockwise on screen), shift in pixels, zoom factor. */
export interface Affine {
  angleDeg: number;
  dx: number;
  dy: number;
  scale: number;
}

export interface AugmentOptions {
  maxRotationDeg?: number; // angle drawn uniformly from ±max
  maxShift?: number; // dx and dy drawn uniformly from ±max pixels
  scaleRange?: [number, number];
  seed: number; // pass a new seed per batch or epoch to get fresh jitter
}

/**
 * The 8-number projective transform that tf.image.transform expects for `a`.
 * tf.image.transform maps each OUTPUT pixel (x, y) back to the INPUT pixel it samples, so this is the
 * inverse of "rotate and scale about the centre, then shift":  in = c + R(θ)ᵀ (out − c − t) / s.
 */
export function affineToTransform(a: Affine, width: number, height: number): number[] {
  const theta = (a.angleDeg * Math.PI) / 180;
  const cx = (width - 1) / 2; // pixel centres sit at integer coordinates
  const cy = (height - 1) / 2;
  const [a0, a1] = [Math.cos(theta) / a.scale, -Math.sin(theta) / a.scale];
  const [b0, b1] = [Math.sin(theta) / a.scale, Math.cos(theta) / a.scale];
  const ox = cx + a.dx; // where the input centre lands in the output
  const oy = cy + a.dy;
  return [a0, a1, cx - a0 * ox - a1 * oy, b0, b1, cy - b0 * ox - b1 * oy, 0, 0];
}

/** Apply one affine per image. images: (B, H, W, C); empty space is filled with 0 (background). */
export function applyAffine(images: tf.Tensor4D, affines: Affine[], interpolation: "bilinear" | "nearest" = "bilinear"): tf.Tensor4D {
  const [batch, height, width] = images.shape;
  if (affines.length !== batch) throw new Error(`applyAffine: ${affines.length} transforms for a batch of ${batch} images`);
  return tf.tidy(() => {
    const transforms = tf.tensor2d(affines.flatMap((a) => affineToTransform(a, width, height)), [batch, 8]);
    return tf.image.transform(images, transforms, interpolation, "constant", 0);
  });
}

/** Draw one random affine per image, reproducibly from `seed`. */
export function randomAffines(count: number, opts: AugmentOptions): Affine[] {
  const { maxRotationDeg = 15, maxShift = 3, scaleRange = [0.9, 1.1], seed } = opts;
  const u = tf.tidy(() => tf.randomUniform([count, 4], 0, 1, "float32", seed).arraySync() as number[][]);
  const between = (lo: number, hi: number, r: number) => lo + (hi - lo) * r;
  return u.map(([r, x, y, s]) => ({
    angleDeg: between(-maxRotationDeg, maxRotationDeg, r),
    dx: between(-maxShift, maxShift, x),
    dy: between(-maxShift, maxShift, y),
    scale: between(scaleRange[0], scaleRange[1], s),
  }));
}

/** Randomly rotate, shift and zoom every image of a batch. images: (B, H, W, C) → same shape. */
export function augmentBatch(images: tf.Tensor4D, opts: AugmentOptions): tf.Tensor4D {
  return applyAffine(images, randomAffines(images.shape[0], opts));
}
