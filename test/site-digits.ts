// Synthetic hand-drawn digits for the demo tests: thick strokes on a 280×280 pad, like a reader's drawing.
export const PAD = 280;

export interface MnistPreprocess {
  toMnist(gray: Float32Array, width: number, height: number): Float32Array | null;
  boundingBox(gray: Float32Array, width: number, height: number): { x: number; y: number; width: number; height: number } | null;
  centreOfMass(image: Float32Array, width: number, height: number): { x: number; y: number };
}
// The browser asset itself, loaded as CommonJS: the tests run the very code the page runs.
export const preprocess = require("../scripts/site/assets/mnist-preprocess.js") as MnistPreprocess;

type Point = [number, number];

/** Rasterise a polyline with round caps, `radius` px thick, onto a black PAD×PAD image (ink = 1). */
export function drawStroke(points: Point[], radius = 10): Float32Array {
  const image = new Float32Array(PAD * PAD);
  for (let s = 0; s + 1 < points.length; s++) {
    const [ax, ay] = points[s];
    const [bx, by] = points[s + 1];
    const dx = bx - ax, dy = by - ay;
    const length2 = dx * dx + dy * dy || 1;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius)), x1 = Math.min(PAD - 1, Math.ceil(Math.max(ax, bx) + radius));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius)), y1 = Math.min(PAD - 1, Math.ceil(Math.max(ay, by) + radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length2));
        if ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= radius * radius) image[y * PAD + x] = 1;
      }
    }
  }
  return image;
}

/** A seeded generator, so the training data is the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Strokes for three digits, jittered: a vertical "1", a ring "0" and a "7". */
export function syntheticDigit(label: 0 | 1 | 7, random: () => number): Point[] {
  const j = (amount: number) => (random() - 0.5) * 2 * amount;
  const cx = 140 + j(40), cy = 140 + j(30), height = 160 + j(40);
  if (label === 1) return [[cx + j(15), cy - height / 2], [cx + j(15), cy + height / 2]];
  if (label === 7) return [[cx - 60 + j(10), cy - height / 2], [cx + 50 + j(10), cy - height / 2 + j(10)], [cx - 10 + j(20), cy + height / 2]];
  const rx = 50 + j(15);
  return Array.from({ length: 25 }, (_, k): Point => [cx + rx * Math.cos((k / 24) * 2 * Math.PI), cy + (height / 2) * Math.sin((k / 24) * 2 * Math.PI)]);
}
