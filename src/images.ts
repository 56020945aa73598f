// Image grids as PNG (encoded by pngjs): digits, filters or feature maps, each with an optional caption.
// Captions are drawn into the PNG with a 3×5 pixel font (upper case, digits, a few signs), so the
// picture is one self-contained image wherever it is shown: JupyterLab, nbconvert HTML, the site.

import { PNG } from "pngjs";

type RGB = [number, number, number];

// Each glyph: 5 rows of 3 pixels, "#" = ink.
const GLYPHS: Record<string, string> = {
  "0": "###|#.#|#.#|#.#|###", "1": ".#.|##.|.#.|.#.|###", "2": "###|..#|###|#..|###", "3": "###|..#|###|..#|###",
  "4": "#.#|#.#|###|..#|..#", "5": "###|#..|###|..#|###", "6": "###|#..|###|#.#|###", "7": "###|..#|..#|.#.|.#.",
  "8": "###|#.#|###|#.#|###", "9": "###|#.#|###|..#|###",
  A: ".#.|#.#|###|#.#|#.#", B: "##.|#.#|##.|#.#|##.", C: ".##|#..|#..|#..|.##", D: "##.|#.#|#.#|#.#|##.",
  E: "###|#..|##.|#..|###", F: "###|#..|##.|#..|#..", G: ".##|#..|#.#|#.#|.##", H: "#.#|#.#|###|#.#|#.#",
  I: "###|.#.|.#.|.#.|###", J: "..#|..#|..#|#.#|.#.", K: "#.#|#.#|##.|#.#|#.#", L: "#..|#..|#..|#..|###",
  M: "#.#|###|###|#.#|#.#", N: "##.|#.#|#.#|#.#|#.#", O: ".#.|#.#|#.#|#.#|.#.", P: "##.|#.#|##.|#..|#..",
  Q: ".#.|#.#|#.#|##.|.##", R: "##.|#.#|##.|#.#|#.#", S: ".##|#..|.#.|..#|##.", T: "###|.#.|.#.|.#.|.#.",
  U: "#.#|#.#|#.#|#.#|###", V: "#.#|#.#|#.#|#.#|.#.", W: "#.#|#.#|###|###|#.#", X: "#.#|#.#|.#.|#.#|#.#",
  Y: "#.#|#.#|.#.|.#.|.#.", Z: "###|..#|.#.|#..|###",
  " ": "...|...|...|...|...", "/": "..#|..#|.#.|#..|#..", ":": "...|.#.|...|.#.|...", ".": "...|...|...|...|.#.",
  "-": "...|...|###|...|...", "%": "#.#|..#|.#.|#..|#.#", "=": "...|###|...|###|...", "?": "##.|..#|.#.|...|.#.",
  "(": ".#.|#..|#..|#..|.#.", ")": ".#.|..#|..#|..#|.#.", "+": "...|.#.|###|.#.|...", ",": "...|...|...|.#.|#..",
  "_": "...|...|...|...|###", "'": ".#.|.#.|...|...|...", "<": "..#|.#.|#..|.#.|..#", ">": "#..|.#.|..#|.#.|#..",
  "!": ".#.|.#.|.#.|...|.#.", "×": "...|#.#|.#.|#.#|...",
};
const GLYPH_W = 3;
const GLYPH_H = 5;

export interface GridOptions {
  /** Images per row (default: up to 10). */
  cols?: number;
  /** Each image pixel becomes scale×scale PNG pixels (default 2). */
  scale?: number;
  /** One caption per image; "\n" starts a new line. */
  captions?: string[];
  /** Caption colour per image (default near-black), e.g. red for mistakes. */
  captionColors?: RGB[];
  /** Value shown as black and as white; default [0, 255] for Uint8Array input, else [0, 1]. */
  range?: [number, number];
  /** Stretch each image to its own min..max (for filters and feature maps with arbitrary values). */
  normalizeEach?: boolean;
}

export const RED: RGB = [200, 30, 30];
const INK: RGB = [20, 20, 20];
const PAD = 4;

/**
 * Draws `count` images of height×width, stored one after another in `pixels` (e.g. a [N, 28, 28]
 * dataset slice), into one PNG grid. Returns the PNG file bytes.
 */
export function imageGrid(pixels: ArrayLike<number>, count: number, height: number, width: number, options: GridOptions = {}): Buffer {
  const { scale = 2, captions, captionColors, normalizeEach = false } = options;
  const cols = Math.min(options.cols ?? 10, count);
  const rows = Math.ceil(count / cols);
  const [lo, hi] = options.range ?? (pixels instanceof Uint8Array ? [0, 255] : [0, 1]);
  const fontScale = Math.max(1, Math.round(scale));
  const lines = (captions ?? []).map((c) => c.toUpperCase().split("\n"));
  const captionLines = Math.max(0, ...lines.map((l) => l.length));
  const captionChars = Math.max(0, ...lines.flat().map((l) => l.length));
  const cellW = Math.max(width * scale, captionChars * (GLYPH_W + 1) * fontScale) + PAD;
  const cellH = height * scale + (captionLines ? captionLines * (GLYPH_H + 2) * fontScale + PAD : 0) + PAD;

  const png = new PNG({ width: cols * cellW + PAD, height: rows * cellH + PAD });
  png.data.fill(255); // white background, opaque
  const put = (x: number, y: number, [r, g, b]: RGB) => {
    const i = (y * png.width + x) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
  };

  for (let n = 0; n < count; n++) {
    const ox = (n % cols) * cellW + PAD + Math.floor((cellW - PAD - width * scale) / 2);
    const oy = Math.floor(n / cols) * cellH + PAD;
    const offset = n * height * width;
    let [min, max] = [lo, hi];
    if (normalizeEach) {
      min = Infinity;
      max = -Infinity;
      for (let k = 0; k < height * width; k++) (min = Math.min(min, pixels[offset + k])), (max = Math.max(max, pixels[offset + k]));
    }
    for (let y = 0; y < height * scale; y++)
      for (let x = 0; x < width * scale; x++) {
        const v = pixels[offset + Math.floor(y / scale) * width + Math.floor(x / scale)];
        const g = Math.round(255 * Math.min(1, Math.max(0, (v - min) / (max - min || 1))));
        put(ox + x, oy + y, [g, g, g]);
      }
    (lines[n] ?? []).forEach((text, li) => {
      const textW = text.length * (GLYPH_W + 1) * fontScale;
      const tx = (n % cols) * cellW + PAD + Math.floor((cellW - PAD - textW) / 2);
      const ty = oy + height * scale + PAD + li * (GLYPH_H + 2) * fontScale;
      drawText(text, tx, ty, fontScale, captionColors?.[n] ?? INK, put);
    });
  }
  return PNG.sync.write(png);
}

function drawText(text: string, x0: number, y0: number, s: number, color: RGB, put: (x: number, y: number, c: RGB) => void) {
  [...text].forEach((ch, i) => {
    const rows = (GLYPHS[ch] ?? GLYPHS["?"]).split("|");
    for (let r = 0; r < GLYPH_H; r++)
      for (let c = 0; c < GLYPH_W; c++)
        if (rows[r][c] === "#")
          for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) put(x0 + (i * (GLYPH_W + 1) + c) * s + dx, y0 + r * s + dy, color);
  });
}
