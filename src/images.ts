// Image grids: digits, filters or feature maps. imageGrid draws them into one PNG, with no text in it;
// imageGridHtml / showImageGrid lay out one PNG per image with its caption as real HTML text under it
// (legible at any zoom, selectable, wrapping on a phone), so no caption is ever drawn into a bitmap.

import { base64, display } from "./display";
import { encodePng } from "./platform";

type RGB = [number, number, number];

export interface GridOptions {
  /** Images per row (default: up to 10). */
  cols?: number;
  /** Each image pixel becomes scale×scale PNG pixels (default 2). */
  scale?: number;
  /** Value shown as black and as white; default [0, 255] for Uint8Array input, else [0, 1]. */
  range?: [number, number];
  /** Stretch each image to its own min..max (for filters and feature maps with arbitrary values). */
  normalizeEach?: boolean;
  /**
   * Signed values in a diverging map: blue for negative, white for 0, red for positive, symmetric
   * around 0 (±max|v| of each image with normalizeEach, else ±max(|lo|, |hi|) of `range`).
   */
  diverging?: boolean;
}

/** Captions under each image, for imageGridHtml / showImageGrid. */
export interface CaptionedGridOptions extends GridOptions {
  /** One caption per image; "\n" starts a new line. */
  captions?: string[];
  /** Caption colour per image (default: the page's text colour), e.g. red for mistakes. */
  captionColors?: (RGB | undefined)[];
}

export const RED: RGB = [200, 30, 30];
const PAD = 4;

/**
 * Draws `count` images of height×width, stored one after another in `pixels` (e.g. a [N, 28, 28]
 * dataset slice), into one PNG grid. Returns the PNG file bytes.
 */
export function imageGrid(pixels: ArrayLike<number>, count: number, height: number, width: number, options: GridOptions = {}): Uint8Array {
  const { scale = 2, normalizeEach = false } = options;
  const cols = Math.min(options.cols ?? 10, count);
  const rows = Math.ceil(count / cols);
  const [lo, hi] = options.range ?? (pixels instanceof Uint8Array ? [0, 255] : [0, 1]);
  const cellW = width * scale + PAD;
  const cellH = height * scale + PAD;

  const png = { width: cols * cellW + PAD, height: rows * cellH + PAD, data: new Uint8Array(0) };
  png.data = new Uint8Array(png.width * png.height * 4).fill(255); // white background, opaque
  const put = (x: number, y: number, [r, g, b]: RGB) => {
    const i = (y * png.width + x) * 4;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
  };

  for (let n = 0; n < count; n++) {
    const ox = (n % cols) * cellW + PAD;
    const oy = Math.floor(n / cols) * cellH + PAD;
    const colour = colourMap(pixels, n * height * width, height * width, [lo, hi], normalizeEach, options.diverging ?? false);
    for (let y = 0; y < height * scale; y++)
      for (let x = 0; x < width * scale; x++) put(ox + x, oy + y, colour(Math.floor(y / scale) * width + Math.floor(x / scale)));
  }
  return encodePng(png.data, png.width, png.height);
}

const NEGATIVE: RGB = [33, 102, 172];
const POSITIVE: RGB = [178, 24, 43];
const mix = (t: number, [r, g, b]: RGB): RGB => [Math.round(255 + t * (r - 255)), Math.round(255 + t * (g - 255)), Math.round(255 + t * (b - 255))];

/** Pixel k of the image at `offset` → its colour: grey levels over lo..hi, or the diverging map. */
function colourMap(pixels: ArrayLike<number>, offset: number, size: number, [lo, hi]: [number, number], normalizeEach: boolean, diverging: boolean): (k: number) => RGB {
  let [min, max] = [lo, hi];
  if (normalizeEach) {
    min = Infinity;
    max = -Infinity;
    for (let k = 0; k < size; k++) (min = Math.min(min, pixels[offset + k])), (max = Math.max(max, pixels[offset + k]));
  }
  if (diverging) {
    const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return (k) => {
      const t = Math.max(-1, Math.min(1, pixels[offset + k] / m));
      return t < 0 ? mix(-t, NEGATIVE) : mix(t, POSITIVE);
    };
  }
  return (k) => {
    const g = Math.round(255 * Math.min(1, Math.max(0, (pixels[offset + k] - min) / (max - min || 1))));
    return [g, g, g];
  };
}

/** One image of a stack as its own PNG, each pixel scale×scale. */
function imagePng(pixels: ArrayLike<number>, n: number, height: number, width: number, options: GridOptions): Uint8Array {
  const { scale = 2, normalizeEach = false } = options;
  const [lo, hi] = options.range ?? (pixels instanceof Uint8Array ? [0, 255] : [0, 1]);
  const colour = colourMap(pixels, n * height * width, height * width, [lo, hi], normalizeEach, options.diverging ?? false);
  const png = { width: width * scale, height: height * scale, data: new Uint8Array(width * scale * height * scale * 4) };
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = colour(Math.floor(y / scale) * width + Math.floor(x / scale));
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  return encodePng(png.data, png.width, png.height);
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The same grid as HTML: each image its own PNG with its caption as real text under it (legible at any zoom,
 * selectable, read by screen readers). Rows hold `cols` images where there is room and wrap on narrow screens.
 * Styles are inline, so the grid looks the same in JupyterLab, the classic Notebook, nbconvert and the site;
 * captions inherit the page's text colour (dark themes included) unless `captionColors` sets one.
 */
export function imageGridHtml(pixels: ArrayLike<number>, count: number, height: number, width: number, options: CaptionedGridOptions = {}): string {
  const { scale = 2, captions, captionColors } = options;
  const cols = Math.min(options.cols ?? 10, count);
  const cellW = Math.max(width * scale, 56);
  const gap = 8;
  const figures = Array.from({ length: count }, (_, n) => {
    const caption = captions?.[n];
    const img = `<img src="data:image/png;base64,${base64(imagePng(pixels, n, height, width, options))}" width="${width * scale}" height="${height * scale}" alt="${escapeHtml(caption?.replace(/\n/g, ", ") ?? `image ${n + 1}`)}" style="display:block;margin:0 auto;image-rendering:pixelated;outline:1px solid rgba(128,128,128,0.35)">`;
    const rgb = captionColors?.[n];
    const colour = rgb ? `color:rgb(${rgb.join(",")});` : "";
    const text = caption === undefined ? "" : `<figcaption style="margin-top:3px;font:13px/1.3 system-ui,-apple-system,'Segoe UI',sans-serif;${colour}overflow-wrap:anywhere">${caption.split("\n").map(escapeHtml).join("<br>")}</figcaption>`;
    return `<figure style="margin:0;width:${cellW}px;text-align:center">${img}${text}</figure>`;
  });
  return `<div class="image-grid" style="display:flex;flex-wrap:wrap;gap:${gap}px;max-width:${cols * (cellW + gap)}px;margin:4px 0">${figures.join("")}</div>`;
}

/** Shows an image grid with real-text captions (imageGridHtml); outside a kernel prints the alt text. */
export function showImageGrid(pixels: ArrayLike<number>, count: number, height: number, width: number, options: CaptionedGridOptions = {}, alt = "images"): void {
  const data = { "text/html": imageGridHtml(pixels, count, height, width, options), "text/plain": `<${alt}>` };
  if (!display(data)) console.log(`<${alt}>`);
}

