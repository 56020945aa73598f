// AssemblyScript source of the course's own WebAssembly SIMD kernels (compiled by scripts/build-wasm.ts, at install).
// The module imports tfjs-backend-wasm's own memory, so every pointer below is a byte offset into the tensors that
// backend already holds: no copies in or out. It has no data segments and no stack, so it never writes anywhere but
// the outputs it is given. Every kernel is checked against tfjs's cpu backend in test/wasm-simd-kernels.test.ts.
//
// Layouts are tfjs's: NHWC images, (KH, KW, Cin, Cout) filters, row-major matrices. f32 throughout.

// @ts-nocheck: AssemblyScript's types (f32, usize, v128, …) are not TypeScript's; tsc skips this file.

const NEG_INF = f32x4.splat(-Infinity);

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/**
 * Max-pool gradient: each dy value goes to the first maximum of its window (row by row, strict >), as tfjs's cpu
 * backend does; a window whose values are all -Infinity or NaN passes nothing on. Channels four at a time when C % 4 == 0.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  B: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  memory.fill(dx, 0, <usize>B * H * W * C * 4);
  const lanes = i32x4(0, 1, 2, 3);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      const hLo = max(h0, 0), hHi = min(h0 + fh, H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        const wLo = max(w0, 0), wHi = min(w0 + fw, W);
        const g = ((b * OH + oh) * OW + ow) * C;
        let c = 0;
        if ((C & 3) == 0) {
          for (; c < C; c += 4) {
            let best = NEG_INF;
            let where = i32x4.splat(-1);
            for (let h = hLo; h < hHi; h++) {
              for (let w = wLo; w < wHi; w++) {
                const p = ((b * H + h) * W + w) * C + c;
                const v = v128.load(at(x, p));
                const gt = f32x4.gt(v, best);
                best = v128.bitselect(v, best, gt);
                where = v128.bitselect(i32x4.add(i32x4.splat(p), lanes), where, gt);
              }
            }
            const gv = v128.load(at(dy, g + c));
            let i = i32x4.extract_lane(where, 0);
            if (i >= 0) store<f32>(at(dx, i), load<f32>(at(dx, i)) + f32x4.extract_lane(gv, 0));
            i = i32x4.extract_lane(where, 1);
            if (i >= 0) store<f32>(at(dx, i), load<f32>(at(dx, i)) + f32x4.extract_lane(gv, 1));
            i = i32x4.extract_lane(where, 2);
            if (i >= 0) store<f32>(at(dx, i), load<f32>(at(dx, i)) + f32x4.extract_lane(gv, 2));
            i = i32x4.extract_lane(where, 3);
            if (i >= 0) store<f32>(at(dx, i), load<f32>(at(dx, i)) + f32x4.extract_lane(gv, 3));
          }
        }
        for (; c < C; c++) {
          let best: f32 = -Infinity;
          let where = -1;
          for (let h = hLo; h < hHi; h++) {
            for (let w = wLo; w < wHi; w++) {
              const p = ((b * H + h) * W + w) * C + c;
              const v = load<f32>(at(x, p));
              if (v > best) {
                best = v;
                where = p;
              }
            }
          }
          if (where >= 0) store<f32>(at(dx, where), load<f32>(at(dx, where)) + load<f32>(at(dy, g + c)));
        }
      }
    }
  }
}

/** Copies x (B, H, W, C) into pad (B, H + pt + pb, W + pl + pr, C) with zeros around, so convolution loops need no bounds checks. */
function padImage(x: usize, pad: usize, B: i32, H: i32, W: i32, C: i32, pt: i32, pb: i32, pl: i32, pr: i32): void {
  const Hp = H + pt + pb, Wp = W + pl + pr;
  memory.fill(pad, 0, <usize>B * Hp * Wp * C * 4);
  const row = <usize>W * C * 4;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) memory.copy(at(pad, ((b * Hp + h + pt) * Wp + pl) * C), at(x, (b * H + h) * W * C), row);
  }
}

/**
 * The filter gradient of a convolution with few input channels (a first layer), Cout % 4 == 0:
 * dw[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh − pt, ow·sw + kw − pl, ci] · dy[b, oh, ow, co].
 * Each "tap" (kh, kw, ci) is one row of dw. Four taps × eight channels are summed in registers along one output row,
 * then added to dw; x is first copied, zero-padded, to `pad` (B·(H + pt + pb)·(W + pl + pr)·Cin floats).
 */
export function convFilterGradSmallIn(
  x: usize, dy: usize, dw: usize, pad: usize,
  B: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32, Cout: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pb: i32, pl: i32, pr: i32,
): void {
  padImage(x, pad, B, H, W, Cin, pt, pb, pl, pr);
  const Hp = H + pt + pb, Wp = W + pl + pr;
  const taps = KH * KW * Cin;
  memory.fill(dw, 0, <usize>taps * Cout * 4);
  const step = sw * Cin; // x elements between neighbouring output columns
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const xRow = (b * Hp + oh * sh) * Wp * Cin; // x offset of tap (0, 0, 0) for ow = 0
      const gRow = (b * OH + oh) * OW * Cout;
      let t = 0;
      for (; t + 4 <= taps; t += 4) {
        // x offsets of the four taps
        const o0 = xRow + tapOffset(t, KW, Cin, Wp), o1 = xRow + tapOffset(t + 1, KW, Cin, Wp);
        const o2 = xRow + tapOffset(t + 2, KW, Cin, Wp), o3 = xRow + tapOffset(t + 3, KW, Cin, Wp);
        let co = 0;
        for (; co + 8 <= Cout; co += 8) {
          let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
          let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
          for (let ow = 0; ow < OW; ow++) {
            const g = gRow + ow * Cout + co;
            const g0 = v128.load(at(dy, g)), g1 = v128.load(at(dy, g + 4));
            const d = ow * step;
            const x0 = f32x4.splat(load<f32>(at(pad, o0 + d)));
            const x1 = f32x4.splat(load<f32>(at(pad, o1 + d)));
            const x2 = f32x4.splat(load<f32>(at(pad, o2 + d)));
            const x3 = f32x4.splat(load<f32>(at(pad, o3 + d)));
            s00 = f32x4.add(s00, f32x4.mul(x0, g0));
            s01 = f32x4.add(s01, f32x4.mul(x0, g1));
            s10 = f32x4.add(s10, f32x4.mul(x1, g0));
            s11 = f32x4.add(s11, f32x4.mul(x1, g1));
            s20 = f32x4.add(s20, f32x4.mul(x2, g0));
            s21 = f32x4.add(s21, f32x4.mul(x2, g1));
            s30 = f32x4.add(s30, f32x4.mul(x3, g0));
            s31 = f32x4.add(s31, f32x4.mul(x3, g1));
          }
          addTo(dw, t * Cout + co, s00);
          addTo(dw, t * Cout + co + 4, s01);
          addTo(dw, (t + 1) * Cout + co, s10);
          addTo(dw, (t + 1) * Cout + co + 4, s11);
          addTo(dw, (t + 2) * Cout + co, s20);
          addTo(dw, (t + 2) * Cout + co + 4, s21);
          addTo(dw, (t + 3) * Cout + co, s30);
          addTo(dw, (t + 3) * Cout + co + 4, s31);
        }
        for (; co < Cout; co += 4) for (let k = 0; k < 4; k++) tapColumn(pad, dy, dw, xRow + tapOffset(t + k, KW, Cin, Wp), gRow, t + k, co, OW, Cout, step);
      }
      for (; t < taps; t++) {
        for (let co = 0; co < Cout; co += 4) tapColumn(pad, dy, dw, xRow + tapOffset(t, KW, Cin, Wp), gRow, t, co, OW, Cout, step);
      }
    }
  }
}

/** Offset of tap t = (kh·KW + kw)·Cin + ci from tap 0 in an image Wp pixels wide. */
@inline function tapOffset(t: i32, KW: i32, Cin: i32, Wp: i32): i32 {
  const ci = t % Cin, k = t / Cin;
  return ((k / KW) * Wp + (k % KW)) * Cin + ci;
}

@inline function addTo(p: usize, index: i32, v: v128): void {
  v128.store(at(p, index), f32x4.add(v128.load(at(p, index)), v));
}

/** One tap × four channels along one output row. */
@inline function tapColumn(pad: usize, dy: usize, dw: usize, o: i32, gRow: i32, t: i32, co: i32, OW: i32, Cout: i32, step: i32): void {
  let s = f32x4.splat(0);
  for (let ow = 0; ow < OW; ow++) {
    s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(at(pad, o + ow * step))), v128.load(at(dy, gRow + ow * Cout + co))));
  }
  addTo(dw, t * Cout + co, s);
}

/** out[i, j..j+7] for rows i..i+3 of A·B, where A(i, k) = a[i·ra + k·ka] and B is row-major (K, N). */
@inline function block4x8(a: usize, ra: i32, ka: i32, b: usize, out: usize, i: i32, j: i32, K: i32, N: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(at(b, k * N + j));
    const b1 = v128.load(at(b, k * N + j + 4));
    const ak = i * ra + k * ka;
    const a0 = f32x4.splat(load<f32>(at(a, ak)));
    const a1 = f32x4.splat(load<f32>(at(a, ak + ra)));
    const a2 = f32x4.splat(load<f32>(at(a, ak + 2 * ra)));
    const a3 = f32x4.splat(load<f32>(at(a, ak + 3 * ra)));
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
  }
  const o = i * N + j;
  v128.store(at(out, o), c00);
  v128.store(at(out, o + 4), c01);
  v128.store(at(out, o + N), c10);
  v128.store(at(out, o + N + 4), c11);
  v128.store(at(out, o + 2 * N), c20);
  v128.store(at(out, o + 2 * N + 4), c21);
  v128.store(at(out, o + 3 * N), c30);
  v128.store(at(out, o + 3 * N + 4), c31);
}

/** One output row from column j on: four columns at a time, then one. */
@inline function rowFrom(a: usize, ra: i32, ka: i32, b: usize, out: usize, i: i32, j0: i32, K: i32, N: i32): void {
  let j = j0;
  for (; j + 4 <= N; j += 4) {
    let c = f32x4.splat(0);
    for (let k = 0; k < K; k++) c = f32x4.add(c, f32x4.mul(f32x4.splat(load<f32>(at(a, i * ra + k * ka))), v128.load(at(b, k * N + j))));
    v128.store(at(out, i * N + j), c);
  }
  for (; j < N; j++) {
    let c: f32 = 0;
    for (let k = 0; k < K; k++) c += load<f32>(at(a, i * ra + k * ka)) * load<f32>(at(b, k * N + j));
    store<f32>(at(out, i * N + j), c);
  }
}

/**
 * Batched matrix product out[n] = op(a[n]) · op(b[n]), op = transpose when transA / transB; a batch of 1 on either side
 * is broadcast. `scratch` holds K·N floats: a transposed b is copied there, row-major, before its product.
 */
export function batchMatMul(
  a: usize, b: usize, out: usize, scratch: usize,
  batchA: i32, batchB: i32, M: i32, K: i32, N: i32, transA: bool, transB: bool,
): void {
  const batch = max(batchA, batchB);
  // A(i, k) = a[i·ra + k·ka]
  const ra = transA ? 1 : K;
  const ka = transA ? M : 1;
  for (let n = 0; n < batch; n++) {
    const an = at(a, (batchA == 1 ? 0 : n) * M * K);
    let bn = at(b, (batchB == 1 ? 0 : n) * K * N);
    const on = at(out, n * M * N);
    if (transB) {
      // b[n] is (N, K); copy it to (K, N).
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < N; j++) store<f32>(at(scratch, k * N + j), load<f32>(at(bn, j * K + k)));
      }
      bn = scratch;
    }
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      let j = 0;
      for (; j + 8 <= N; j += 8) block4x8(an, ra, ka, bn, on, i, j, K, N);
      if (j < N) for (let r = 0; r < 4; r++) rowFrom(an, ra, ka, bn, on, i + r, j, K, N);
    }
    for (; i < M; i++) rowFrom(an, ra, ka, bn, on, i, 0, K, N);
  }
}
