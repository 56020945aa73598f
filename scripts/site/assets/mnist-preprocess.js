// Turns a drawing into an MNIST-style input, the way MNIST itself was made: crop to the bounding box,
// scale into a 20×20 box keeping the aspect ratio, then place in 28×28 so the centre of mass is in the middle.
// Plain functions on Float32Array (white digit = 1 on black = 0), so Node tests can load this file too.
(function (root) {
  "use strict";
  var SIZE = 28;
  var BOX = 20;
  var INK = 0.05; // intensities below this count as background

  function boundingBox(gray, width, height) {
    var x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (var y = 0; y < height; y++) {
      for (var x = 0; x < width; x++) {
        if (gray[y * width + x] > INK) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }

  // Box-filter resampling of the cropped region to (w, h): each target pixel averages the source pixels it covers.
  function resample(gray, width, box, w, h) {
    var out = new Float32Array(w * h);
    for (var ty = 0; ty < h; ty++) {
      var sy0 = box.y + Math.floor((ty * box.height) / h);
      var sy1 = Math.max(sy0 + 1, box.y + Math.floor(((ty + 1) * box.height) / h));
      for (var tx = 0; tx < w; tx++) {
        var sx0 = box.x + Math.floor((tx * box.width) / w);
        var sx1 = Math.max(sx0 + 1, box.x + Math.floor(((tx + 1) * box.width) / w));
        var sum = 0;
        for (var sy = sy0; sy < sy1; sy++) for (var sx = sx0; sx < sx1; sx++) sum += gray[sy * width + sx];
        out[ty * w + tx] = sum / ((sy1 - sy0) * (sx1 - sx0));
      }
    }
    return out;
  }

  function centreOfMass(image, w, h) {
    var total = 0, cx = 0, cy = 0;
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        var v = image[y * w + x];
        total += v;
        cx += (x + 0.5) * v;
        cy += (y + 0.5) * v;
      }
    }
    return { x: cx / total, y: cy / total };
  }

  /** gray: width×height intensities in 0..1. Returns 784 floats in 0..1 (row-major 28×28), or null if blank. */
  function toMnist(gray, width, height) {
    var box = boundingBox(gray, width, height);
    if (!box) return null;
    var scale = BOX / Math.max(box.width, box.height);
    var w = Math.max(1, Math.round(box.width * scale));
    var h = Math.max(1, Math.round(box.height * scale));
    var small = resample(gray, width, box, w, h); // (h, w), fits in 20×20
    var com = centreOfMass(small, w, h);
    var dx = Math.round(SIZE / 2 - com.x);
    var dy = Math.round(SIZE / 2 - com.y);
    var out = new Float32Array(SIZE * SIZE);
    var max = 0;
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        var tx = x + dx, ty = y + dy;
        if (tx >= 0 && tx < SIZE && ty >= 0 && ty < SIZE) {
          out[ty * SIZE + tx] = small[y * w + x];
          max = Math.max(max, small[y * w + x]);
        }
      }
    }
    for (var i = 0; i < out.length; i++) out[i] /= max; // full contrast, as MNIST's 0..255 strokes
    return out;
  }

  var api = { toMnist: toMnist, boundingBox: boundingBox, centreOfMass: centreOfMass, SIZE: SIZE, BOX: BOX };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.MnistPreprocess = api;
})(this);
