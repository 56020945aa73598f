// AssemblyScript source of the course's own WebAssembly SIMD kernels (compiled by scripts/build-wasm.ts, at install).
// The module imports tfjs-backend-wasm's own memory, so every pointer below is a byte offset into the tensors that
// backend already holds: no copies in or out. It has no data segments and no stack, so it never writes anywhere but
// the outputs it is given. Every kernel is checked against tfjs's cpu backend in test/wasm-simd-kernels.test.ts.
//
// Layouts are tfjs's: NHWC images, (KH, KW, Cin, Cout) filters, row-major matrices. f32 throughout.
//
// Every exported kernel ends with (part, parts): it does only its share of the work, and shares never write to the
// same place, so src/kernels/threads.ts can run the parts on several threads at once (they all see this memory).

// @ts-nocheck: AssemblyScript's types (f32, usize, v128, …) are not TypeScript's; tsc skips this file.

const NEG_INF = f32x4.splat(-Infinity);

@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Where part `part` of `parts` starts among n units (part = parts gives n). */
@inline function share(n: i32, part: i32, parts: i32): i32 {
  return <i32>((<i64>n * part) / parts);
}

/**
 * Max-pool gradient: each dy value goes to the first maximum of its window (row by row, strict >), as tfjs's cpu
 * backend does; a window whose values are all -Infinity or NaN passes nothing on. Channels four at a time when C % 4 == 0.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  B: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32, part: i32, parts: i32,
): void {
  // Shares are ranges of images: windows never cross from one image to the next.
  const b0 = share(B, part, parts), b1 = share(B, part + 1, parts);
  memory.fill(at(dx, b0 * H * W * C), 0, <usize>(b1 - b0) * H * W * C * 4);
  const lanes = i32x4(0, 1, 2, 3);
  for (let b = b0; b < b1; b++) {
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

/** Copies images [part's share of B] of x (B, H, W, C) into pad (B, H + pt + pb, W + pl + pr, C), zeros around. */
export function padImages(x: usize, pad: usize, B: i32, H: i32, W: i32, C: i32, pt: i32, pb: i32, pl: i32, pr: i32, part: i32, parts: i32): void {
  const Hp = H + pt + pb, Wp = W + pl + pr;
  const b0 = share(B, part, parts), b1 = share(B, part + 1, parts);
  memory.fill(at(pad, b0 * Hp * Wp * C), 0, <usize>(b1 - b0) * Hp * Wp * C * 4);
  const row = <usize>W * C * 4;
  for (let b = b0; b < b1; b++) {
    for (let h = 0; h < H; h++) memory.copy(at(pad, ((b * Hp + h + pt) * Wp + pl) * C), at(x, (b * H + h) * W * C), row);
  }
}

/**
 * The filter gradient of a convolution, Cout % 4 == 0, from x already zero-padded by padImages (B, Hp, Wp, Cin):
 * dw[kh, kw, ci, co] = Σ_{b, oh, ow} pad[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co].
 * Each "tap" (kh, kw, ci) is one row of dw. Four taps × eight channels are summed in registers over a whole image,
 * so each image's x and dy stay in cache while every block reads them. Shares are groups of eight output channels.
 */
export function convFilterGrad(
  pad: usize, dy: usize, dw: usize,
  B: i32, Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, Cout: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, part: i32, parts: i32,
): void {
  const groups = (Cout + 7) >> 3;
  const c0 = share(groups, part, parts) << 3, c1 = min(share(groups, part + 1, parts) << 3, Cout);
  if (c0 >= c1) return;
  const taps = KH * KW * Cin;
  for (let t = 0; t < taps; t++) memory.fill(at(dw, t * Cout + c0), 0, <usize>(c1 - c0) * 4);
  const step = sw * Cin; // x elements between neighbouring output columns
  const rowStep = sh * Wp * Cin; // … and rows
  // Per image, per group of channels, every tap: that group's dy of one image stays in L1 while all taps read it.
  for (let b = 0; b < B; b++) {
    const xb = b * Hp * Wp * Cin;
    const gb = b * OH * OW * Cout;
    for (let co = c0; co < c1; co += 8) {
      const wide = co + 8 <= c1;
      let t = 0;
      for (; t + 4 <= taps; t += 4) {
        if (wide) {
          const o0 = xb + tapOffset(t, KW, Cin, Wp), o1 = xb + tapOffset(t + 1, KW, Cin, Wp);
          const o2 = xb + tapOffset(t + 2, KW, Cin, Wp), o3 = xb + tapOffset(t + 3, KW, Cin, Wp);
          taps4x8(pad, dy, dw, o0, o1, o2, o3, gb, t, co, OH, OW, Cout, step, rowStep);
        } else {
          for (let k = 0; k < 4; k++) tap1x4(pad, dy, dw, xb + tapOffset(t + k, KW, Cin, Wp), gb, t + k, co, OH, OW, Cout, step, rowStep);
        }
      }
      for (; t < taps; t++) {
        const o = xb + tapOffset(t, KW, Cin, Wp);
        tap1x4(pad, dy, dw, o, gb, t, co, OH, OW, Cout, step, rowStep);
        if (wide) tap1x4(pad, dy, dw, o, gb, t, co + 4, OH, OW, Cout, step, rowStep);
      }
    }
  }
}

/** Taps t..t+3 (x offsets o0..o3 at output (0, 0)) × channels co..co+7, summed over one image, added to dw. */
@inline function taps4x8(
  pad: usize, dy: usize, dw: usize, o0: i32, o1: i32, o2: i32, o3: i32, gb: i32, t: i32, co: i32,
  OH: i32, OW: i32, Cout: i32, step: i32, rowStep: i32,
): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  // Byte pointers moved along the row: no index arithmetic in the inner loop.
  const xStep = <usize>step << 2, gStep = <usize>Cout << 2;
  const contiguous = o1 == o0 + 1 && o2 == o0 + 2 && o3 == o0 + 3; // four input channels of one pixel
  for (let oh = 0; oh < OH; oh++) {
    let px = at(pad, o0 + oh * rowStep);
    let pg = at(dy, gb + oh * OW * Cout + co);
    const end = pg + <usize>OW * gStep;
    if (contiguous) {
      while (pg < end) {
        const g0 = v128.load(pg), g1 = v128.load(pg, 16);
        const xs = v128.load(px);
        let xv = i32x4.shuffle(xs, xs, 0, 0, 0, 0);
        s00 = f32x4.add(s00, f32x4.mul(xv, g0));
        s01 = f32x4.add(s01, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 1, 1, 1, 1);
        s10 = f32x4.add(s10, f32x4.mul(xv, g0));
        s11 = f32x4.add(s11, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 2, 2, 2, 2);
        s20 = f32x4.add(s20, f32x4.mul(xv, g0));
        s21 = f32x4.add(s21, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 3, 3, 3, 3);
        s30 = f32x4.add(s30, f32x4.mul(xv, g0));
        s31 = f32x4.add(s31, f32x4.mul(xv, g1));
        px += xStep;
        pg += gStep;
      }
    } else {
      const d1 = <usize>(o1 - o0) << 2, d2 = <usize>(o2 - o0) << 2, d3 = <usize>(o3 - o0) << 2;
      while (pg < end) {
        const g0 = v128.load(pg), g1 = v128.load(pg, 16);
        // One tap at a time, so few registers are live: eight sums, two dy vectors, one x.
        let xv = v128.load32_splat(px);
        s00 = f32x4.add(s00, f32x4.mul(xv, g0));
        s01 = f32x4.add(s01, f32x4.mul(xv, g1));
        xv = v128.load32_splat(px + d1);
        s10 = f32x4.add(s10, f32x4.mul(xv, g0));
        s11 = f32x4.add(s11, f32x4.mul(xv, g1));
        xv = v128.load32_splat(px + d2);
        s20 = f32x4.add(s20, f32x4.mul(xv, g0));
        s21 = f32x4.add(s21, f32x4.mul(xv, g1));
        xv = v128.load32_splat(px + d3);
        s30 = f32x4.add(s30, f32x4.mul(xv, g0));
        s31 = f32x4.add(s31, f32x4.mul(xv, g1));
        px += xStep;
        pg += gStep;
      }
    }
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

/** One tap × four channels, summed over one image, added to dw. */
@inline function tap1x4(
  pad: usize, dy: usize, dw: usize, o: i32, gb: i32, t: i32, co: i32, OH: i32, OW: i32, Cout: i32, step: i32, rowStep: i32,
): void {
  let s = f32x4.splat(0);
  for (let oh = 0; oh < OH; oh++) {
    const d = o + oh * rowStep;
    const g = gb + oh * OW * Cout + co;
    for (let ow = 0; ow < OW; ow++) {
      s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(at(pad, d + ow * step))), v128.load(at(dy, g + ow * Cout))));
    }
  }
  addTo(dw, t * Cout + co, s);
}

/**
 * The transposed im2col of a padded image batch (B, Hp, Wp, Cin): cols[t, p] = pad[b, oh·sh + kh, ow·sw + kw, ci] for
 * tap t = (kh·KW + kw)·Cin + ci and position p = (b·OH + oh)·OW + ow, so that a filter gradient is one matrix product,
 * cols · dy (positions × Cout). Shares are ranges of images.
 */
export function im2colT(
  pad: usize, cols: usize, B: i32, Hp: i32, Wp: i32, Cin: i32, OH: i32, OW: i32, KH: i32, KW: i32, sh: i32, sw: i32,
  part: i32, parts: i32,
): void {
  const b0 = share(B, part, parts), b1 = share(B, part + 1, parts);
  const P = B * OH * OW;
  const rowBytes = <usize>P << 2;
  const xStep = <usize>(sw * Cin) << 2;
  // Four rows of cols at a time, along one image's positions: writing every row of one position before the next would
  // touch taps·4 bytes 4 KB apart when P is a multiple of 1,024, which thrashes one cache set.
  for (let b = b0; b < b1; b++) {
    const p0 = b * OH * OW;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const tap0 = (kh * KW + kw) * Cin;
        let ci = 0;
        for (; ci + 4 <= Cin; ci += 4) {
          let dst = at(cols, (tap0 + ci) * P + p0);
          for (let oh = 0; oh < OH; oh++) {
            let src = at(pad, ((b * Hp + oh * sh + kh) * Wp + kw) * Cin + ci);
            for (let ow = 0; ow < OW; ow++) {
              const v = v128.load(src);
              v128.store32_lane(dst, v, 0);
              v128.store32_lane(dst + rowBytes, v, 1);
              v128.store32_lane(dst + 2 * rowBytes, v, 2);
              v128.store32_lane(dst + 3 * rowBytes, v, 3);
              src += xStep;
              dst += 4;
            }
          }
        }
        for (; ci < Cin; ci++) {
          let dst = at(cols, (tap0 + ci) * P + p0);
          for (let oh = 0; oh < OH; oh++) {
            let src = at(pad, ((b * Hp + oh * sh + kh) * Wp + kw) * Cin + ci);
            for (let ow = 0; ow < OW; ow++) {
              store<f32>(dst, load<f32>(src));
              src += xStep;
              dst += 4;
            }
          }
        }
      }
    }
  }
}

/**
 * The input gradient's scatter (col2im): dx[b, oh·sh + kh − pt, ow·sw + kw − pl, ci] += cols[p, t] over every position
 * p = (b·OH + oh)·OW + ow and tap t = (kh·KW + kw)·Cin + ci that lands inside the image; cols is (positions × taps),
 * the product dy · filterᵀ. Shares are ranges of images, which never write to each other's part of dx.
 */
export function col2im(
  cols: usize, dx: usize, B: i32, H: i32, W: i32, Cin: i32, OH: i32, OW: i32, KH: i32, KW: i32, sh: i32, sw: i32,
  pt: i32, pl: i32, part: i32, parts: i32,
): void {
  const b0 = share(B, part, parts), b1 = share(B, part + 1, parts);
  memory.fill(at(dx, b0 * H * W * Cin), 0, <usize>(b1 - b0) * H * W * Cin * 4);
  const taps = KH * KW * Cin;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const row = at(cols, ((b * OH + oh) * OW + ow) * taps);
        for (let kh = 0; kh < KH; kh++) {
          const h = oh * sh + kh - pt;
          if (h < 0 || h >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const w = ow * sw + kw - pl;
            if (w < 0 || w >= W) continue;
            const src = row + (<usize>((kh * KW + kw) * Cin) << 2);
            const dst = at(dx, ((b * H + h) * W + w) * Cin);
            let c: usize = 0;
            const n = <usize>Cin << 2;
            for (; c + 16 <= n; c += 16) v128.store(dst + c, f32x4.add(v128.load(dst + c), v128.load(src + c)));
            for (; c < n; c += 4) store<f32>(dst + c, load<f32>(dst + c) + load<f32>(src + c));
          }
        }
      }
    }
  }
}

/**
 * out (M × N) = aᵀ · b for a (K × M) and b (K × N), both row-major: a weight gradient xᵀ·dy, where K (the batch, or
 * every position of every image) is long and the output small. Nothing is transposed or packed first: each 4 × 8 block
 * of out is summed in registers along k, reading four values of a row of a and eight of a row of b per step.
 * Shares are ranges of blocks of four rows of out.
 */
export function matMulAtB(a: usize, b: usize, out: usize, K: i32, M: i32, N: i32, part: i32, parts: i32): void {
  const blocks = (M + 3) >> 2;
  const i0 = share(blocks, part, parts) << 2, i1 = min(share(blocks, part + 1, parts) << 2, M);
  const aStep = <usize>M << 2, bStep = <usize>N << 2;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let pa = at(a, i), pb = at(b, j);
      for (let k = 0; k < K; k++) {
        const g0 = v128.load(pb), g1 = v128.load(pb, 16);
        const xs = v128.load(pa);
        let xv = i32x4.shuffle(xs, xs, 0, 0, 0, 0);
        s00 = f32x4.add(s00, f32x4.mul(xv, g0));
        s01 = f32x4.add(s01, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 1, 1, 1, 1);
        s10 = f32x4.add(s10, f32x4.mul(xv, g0));
        s11 = f32x4.add(s11, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 2, 2, 2, 2);
        s20 = f32x4.add(s20, f32x4.mul(xv, g0));
        s21 = f32x4.add(s21, f32x4.mul(xv, g1));
        xv = i32x4.shuffle(xs, xs, 3, 3, 3, 3);
        s30 = f32x4.add(s30, f32x4.mul(xv, g0));
        s31 = f32x4.add(s31, f32x4.mul(xv, g1));
        pa += aStep;
        pb += bStep;
      }
      const o = i * N + j;
      v128.store(at(out, o), s00);
      v128.store(at(out, o + 4), s01);
      v128.store(at(out, o + N), s10);
      v128.store(at(out, o + N + 4), s11);
      v128.store(at(out, o + 2 * N), s20);
      v128.store(at(out, o + 2 * N + 4), s21);
      v128.store(at(out, o + 3 * N), s30);
      v128.store(at(out, o + 3 * N + 4), s31);
    }
    for (; j < N; j++) for (let r = 0; r < 4; r++) atbOne(a, b, out, i + r, j, K, M, N);
  }
  for (; i < i1; i++) for (let j = 0; j < N; j++) atbOne(a, b, out, i, j, K, M, N);
}

/** One element of aᵀ · b. */
@inline function atbOne(a: usize, b: usize, out: usize, i: i32, j: i32, K: i32, M: i32, N: i32): void {
  let s: f32 = 0;
  for (let k = 0; k < K; k++) s += load<f32>(at(a, k * M + i)) * load<f32>(at(b, k * N + j));
  store<f32>(at(out, i * N + j), s);
}

/**
 * Column sums of x (rows, C), f64 partial sums per share: sums[part·C + c] = Σ over the part's rows of x[r, c].
 * Four rows are added in f32 first, then into f64 accumulators in `sums` (parts·C doubles).
 */
export function sumRows(x: usize, sums: usize, rows: i32, C: i32, part: i32, parts: i32): void {
  const r0 = share(rows, part, parts), r1 = share(rows, part + 1, parts);
  const acc = sums + (<usize>part * C << 3);
  memory.fill(acc, 0, <usize>C * 8);
  let r = r0;
  for (; r + 4 <= r1; r += 4) {
    const base = r * C;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const p = base + c;
      const v = f32x4.add(f32x4.add(v128.load(at(x, p)), v128.load(at(x, p + C))), f32x4.add(v128.load(at(x, p + 2 * C)), v128.load(at(x, p + 3 * C))));
      const a = acc + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.promote_low_f32x4(v128.swizzle(v, i8x16(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)))));
    }
    for (; c < C; c++) {
      const p = base + c;
      const a = acc + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + <f64>(load<f32>(at(x, p)) + load<f32>(at(x, p + C)) + load<f32>(at(x, p + 2 * C)) + load<f32>(at(x, p + 3 * C))));
    }
  }
  for (; r < r1; r++) {
    for (let c = 0; c < C; c++) {
      const a = acc + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(at(x, r * C + c)));
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
 * is broadcast. `scratch` holds parts·K·N floats: a transposed b is copied there, row-major, before its product.
 */
export function batchMatMul(
  a: usize, b: usize, out: usize, scratch: usize,
  batchA: i32, batchB: i32, M: i32, K: i32, N: i32, transA: bool, transB: bool, part: i32, parts: i32,
): void {
  // Shares are ranges of the batch; each has its own K·N floats of scratch.
  const batch = max(batchA, batchB);
  const n0 = share(batch, part, parts), n1 = share(batch, part + 1, parts);
  scratch += <usize>part * K * N * 4;
  // A(i, k) = a[i·ra + k·ka]
  const ra = transA ? 1 : K;
  const ka = transA ? M : 1;
  for (let n = n0; n < n1; n++) {
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

// Element-wise exp and erf. tfjs-backend-wasm 4.22 calls the C library's scalar expf for every element (about 7 ns
// each here); a GELU layer's erf and its gradient's exp(-x²) took a tenth of a ViT training step.

const EXP_HI = f32x4.splat(88.72283), EXP_LO = f32x4.splat(-87.33654);

/**
 * e^x in four lanes, Cephes's method: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by a polynomial (relative error about
 * 1e-7), 2^n built in the exponent bits as 2^(n>>1)·2^(n−(n>>1)) so that n from −126 to 128 stays representable.
 * Above 88.72 gives +Infinity, below −87.34 gives 0 (the true value would be subnormal, under 1.2e-38); NaN stays NaN.
 */
@inline function expV(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, EXP_LO), EXP_HI);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(half, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), bias), 23);
  let y = f32x4.mul(f32x4.mul(p, s1), s2);
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, EXP_HI));
  return v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, EXP_LO));
}

/**
 * erf(x): Abramowitz and Stegun's 7.1.26 (absolute error under 1.5e-7, the formula tfjs's cpu backend uses),
 * 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−x²) with t = 1 / (1 + p·|x|), given x's sign. Below |x| = 0.5 that
 * difference from 1 loses float32's digits (erf(1e-8) would be 0), so there the Taylor series to x¹¹ is used instead
 * (error under 2e-8); it gives erf(±0) = ±0.
 */
@inline function erfV(x: v128): v128 {
  const v = f32x4.abs(x);
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.3275911), v)));
  let q = f32x4.add(f32x4.mul(f32x4.splat(1.061405429), t), f32x4.splat(-1.453152027));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(1.421413741));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-0.284496736));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.254829592));
  const y = f32x4.sub(f32x4.splat(1), f32x4.mul(f32x4.mul(q, t), expV(f32x4.neg(f32x4.mul(v, v)))));
  const far = v128.bitselect(x, y, i32x4.splat(0x80000000)); // y's magnitude, x's sign
  // (2/√π)·(x − x³/3 + x⁵/10 − x⁷/42 + x⁹/216 − x¹¹/1320)
  const s = f32x4.mul(x, x);
  let c = f32x4.add(f32x4.mul(f32x4.splat(-8.548327023450853e-4), s), f32x4.splat(5.223977625442188e-3));
  c = f32x4.add(f32x4.mul(c, s), f32x4.splat(-2.6866170645131252e-2));
  c = f32x4.add(f32x4.mul(c, s), f32x4.splat(1.1283791670955126e-1));
  c = f32x4.add(f32x4.mul(c, s), f32x4.splat(-3.7612638903183754e-1));
  c = f32x4.add(f32x4.mul(c, s), f32x4.splat(1.1283791670955126));
  return v128.bitselect(f32x4.mul(x, c), far, f32x4.lt(v, f32x4.splat(0.5)));
}

/** Bounds of part `part`'s elements: whole vectors of four, the last part also takes the tail. */
@inline function elementShare(n: i32, part: i32, parts: i32, end: bool): i32 {
  return end && part == parts ? n : share(n >> 2, part, parts) << 2;
}

/** out = e^x, element-wise over n floats. */
export function expF32(x: usize, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = elementShare(n, part, parts, false), i1 = elementShare(n, part + 1, parts, true);
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), expV(v128.load(at(x, i))));
  for (; i < i1; i++) store<f32>(at(out, i), f32x4.extract_lane(expV(f32x4.splat(load<f32>(at(x, i)))), 0));
}

/** out = erf(x), element-wise over n floats. */
export function erfF32(x: usize, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = elementShare(n, part, parts, false), i1 = elementShare(n, part + 1, parts, true);
  let i = i0;
  for (; i + 4 <= i1; i += 4) v128.store(at(out, i), erfV(v128.load(at(x, i))));
  for (; i < i1; i++) store<f32>(at(out, i), f32x4.extract_lane(erfV(f32x4.splat(load<f32>(at(x, i)))), 0));
}

/**
 * Average-pool gradient, as tfjs's cpu backend computes it: dx(b, r, x, c) is the sum of dy over every window that
 * covers (r, x), times 1 / (fh·fw) (padding included in the count). Each part gathers whole rows of dx, so parts never
 * write to the same place; channels four at a time, the rest one by one.
 */
export function avgPoolGrad(
  dy: usize, dx: usize,
  B: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, pt: i32, pl: i32,
  part: i32, parts: i32,
): void {
  const u0 = share(B * H, part, parts), u1 = share(B * H, part + 1, parts);
  const scale = <f32>1 / <f32>(fh * fw);
  const scaleV = f32x4.splat(scale);
  for (let u = u0; u < u1; u++) {
    const b = u / H, r = u % H;
    // Windows oh with oh·sh − pt ≤ r ≤ oh·sh − pt + fh − 1.
    const nr = r + pt - fh + 1;
    const oh0 = nr <= 0 ? 0 : (nr + sh - 1) / sh, oh1 = min(OH - 1, (r + pt) / sh);
    for (let x = 0; x < W; x++) {
      const nx = x + pl - fw + 1;
      const ow0 = nx <= 0 ? 0 : (nx + sw - 1) / sw, ow1 = min(OW - 1, (x + pl) / sw);
      const out = at(dx, (u * W + x) * C);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let acc = f32x4.splat(0);
        for (let oh = oh0; oh <= oh1; oh++) {
          for (let ow = ow0; ow <= ow1; ow++) acc = f32x4.add(acc, v128.load(at(dy, ((b * OH + oh) * OW + ow) * C + c)));
        }
        v128.store(at(out, c), f32x4.mul(acc, scaleV));
      }
      for (; c < C; c++) {
        let acc: f32 = 0;
        for (let oh = oh0; oh <= oh1; oh++) {
          for (let ow = ow0; ow <= ow1; ow++) acc += load<f32>(at(dy, ((b * OH + oh) * OW + ow) * C + c));
        }
        store<f32>(at(out, c), acc * scale);
      }
    }
  }
}
