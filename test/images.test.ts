// Image grids: decode the PNGs and check where pixels land; captions are HTML text, never pixels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { imageGrid, imageGridHtml, RED } from "../src/images";

const pixel = (png: PNG, x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));

test("two 2×2 images side by side at scale 1, on white with 4 px gaps", () => {
  const images = new Uint8Array([0, 255, 128, 0, 255, 255, 255, 255]);
  const png = PNG.sync.read(Buffer.from(imageGrid(images, 2, 2, 2, { scale: 1 })));
  assert.equal(png.width, 2 * (2 + 4) + 4);
  assert.equal(png.height, 2 + 4 + 4);
  assert.deepEqual(pixel(png, 0, 0), [255, 255, 255]); // margin
  assert.deepEqual(pixel(png, 4, 4), [0, 0, 0]); // image 0 top-left
  assert.deepEqual(pixel(png, 5, 4), [255, 255, 255]);
  assert.deepEqual(pixel(png, 4, 5), [128, 128, 128]);
  assert.deepEqual(pixel(png, 10, 4), [255, 255, 255]); // image 1
});

test("float input uses 0..1, and scale repeats pixels", () => {
  const png = PNG.sync.read(Buffer.from(imageGrid(new Float32Array([0.5]), 1, 1, 1, { scale: 3 })));
  for (const [x, y] of [[4, 4], [6, 6]]) assert.deepEqual(pixel(png, x, y), [128, 128, 128]);
});

test("normalizeEach stretches every image to black..white", () => {
  const png = PNG.sync.read(Buffer.from(imageGrid(new Float32Array([-3, 5]), 1, 1, 2, { scale: 1, normalizeEach: true })));
  assert.deepEqual([pixel(png, 4, 4), pixel(png, 5, 4)], [[0, 0, 0], [255, 255, 255]]);
});

test("diverging colours: negative blue, zero white, positive red, symmetric around 0", () => {
  const png = PNG.sync.read(Buffer.from(imageGrid(new Float32Array([-2, 0, 1, 2]), 1, 1, 4, { scale: 1, normalizeEach: true, diverging: true })));
  assert.deepEqual(pixel(png, 4, 4), [33, 102, 172]);
  assert.deepEqual(pixel(png, 5, 4), [255, 255, 255]);
  const half = pixel(png, 6, 4);
  assert.ok(half[0] > half[2] && half[1] < 255 && half[1] > 24, `half-strength red, got ${half}`);
  assert.deepEqual(pixel(png, 7, 4), [178, 24, 43]);
});

test("imageGridHtml: one PNG per image, captions as escaped text with line breaks and colours", () => {
  const digits = new Uint8Array(2 * 28 * 28);
  digits[0] = 255;
  const html = imageGridHtml(digits, 2, 28, 28, { scale: 3, cols: 2, captions: ["true 7\npred 1", "<b>"], captionColors: [RED, undefined] });
  const images = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)" width="(\d+)" height="(\d+)"/g)];
  assert.equal(images.length, 2);
  const first = PNG.sync.read(Buffer.from(images[0][1], "base64"));
  assert.deepEqual([first.width, first.height, images[0][2], images[0][3]], [84, 84, "84", "84"]);
  assert.deepEqual(pixel(first, 0, 0), [255, 255, 255]);
  assert.deepEqual(pixel(first, 3, 0), [0, 0, 0]);
  assert.match(html, /<figcaption[^>]*color:rgb\(200,30,30\);[^>]*>true 7<br>pred 1<\/figcaption>/);
  assert.match(html, /<figcaption[^>]*>&lt;b&gt;<\/figcaption>/);
  assert.ok(!html.includes("<b>"));
  assert.match(html, /alt="true 7, pred 1"/);
  assert.match(html, /max-width:184px/); // 2 columns of (84 px image + 8 px gap)
});
