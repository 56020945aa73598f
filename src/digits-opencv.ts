// The offline digit set: OpenCV's digits.png (2000×1000 grey, 50 rows × 100 columns of 20×20 cells,
// 5 rows per class) cut into 5,000 digits, each re-centred into 28×28 by centre of mass as MNIST was made.
import { PNG } from "pngjs";
import { seededPermutation } from "./seeded-random";
import { Split, selectExamples } from "./splits";

export const DIGITS_PNG_SHA256 = "60c917758ef97cc090f35cd8e293e4de691ef942847da0ff80dedab33d57c662";
export const CELL = 20;
const SIDE = 28;
const COLUMNS = 100;
const ROWS_PER_CLASS = 5;
export const SPLIT_SEED = 20240601;

/** Decodes digits.png into one grey byte per pixel (pngjs returns RGBA; the image is grey, so R = G = B). */
export function decodeGreyPng(png: Uint8Array): { width: number; height: number; grey: Uint8Array } {
  const { width, height, data } = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[4 * i];
  return { width, height, grey };
}

/** The 20×20 cell in grid row `row`, column `col`, copied out of the grey sheet. */
export function cellAt(grey: Uint8Array, width: number, row: number, col: number): Uint8Array {
  const cell = new Uint8Array(CELL * CELL);
  for (let y = 0; y < CELL; y++) {
    const start = (row * CELL + y) * width + col * CELL;
    cell.set(grey.subarray(start, start + CELL), y * CELL);
  }
  return cell;
}

/**
 * Places a 20×20 digit into a 28×28 field so that its centre of mass lands on the field's centre (13.5, 13.5).
 * MNIST first fits the digit into a 20×20 box; these cells already are that box. The shift is clamped to ±4
 * so no ink falls off the edge.
 */
export function centreByMass(cell: Uint8Array): Uint8Array {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < CELL; y++) {
    for (let x = 0; x < CELL; x++) {
      const v = cell[y * CELL + x];
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  const margin = (SIDE - CELL) / 2;
  const centre = (SIDE - 1) / 2;
  const shift = (sum: number) => (mass === 0 ? 0 : Math.max(-margin, Math.min(margin, Math.round(centre - (sum / mass + margin)))));
  const left = margin + shift(sumX);
  const top = margin + shift(sumY);
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < CELL; y++) out.set(cell.subarray(y * CELL, (y + 1) * CELL), (top + y) * SIDE + left);
  return out;
}

/** All 5,000 digits as 28×28 images with their labels, in sheet order (row by row). */
export function sliceDigits(png: Uint8Array): Split {
  const { width, height, grey } = decodeGreyPng(png);
  const rows = height / CELL;
  if (width !== COLUMNS * CELL || rows !== 10 * ROWS_PER_CLASS) throw new Error(`digits.png is ${width}×${height}, expected 2000×1000`);
  const count = rows * COLUMNS;
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < COLUMNS; col++) {
      const i = row * COLUMNS + col;
      images.set(centreByMass(cellAt(grey, width, row, col)), i * SIDE * SIDE);
      labels[i] = Math.floor(row / ROWS_PER_CLASS);
    }
  }
  return { images, labels, count };
}

/** A seeded, class-balanced split: `testPerClass` of each class go to test, the rest to train; both shuffled. */
export function balancedSplit(all: Split, testPerClass: number, seed: number): { train: Split; test: Split } {
  const train: number[] = [];
  const test: number[] = [];
  const classes = [...new Set(all.labels)].sort((a, b) => a - b);
  for (const label of classes) {
    const members: number[] = [];
    all.labels.forEach((l, i) => l === label && members.push(i));
    const order = seededPermutation(members.length, seed + label);
    order.forEach((k, rank) => (rank < testPerClass ? test : train).push(members[k]));
  }
  const shuffled = (indices: number[], s: number) => Array.from(seededPermutation(indices.length, s), (k) => indices[k]);
  return { train: selectExamples(all, shuffled(train, seed)), test: selectExamples(all, shuffled(test, seed + 1)) };
}

/** digits.png → 4,000 train and 1,000 test digits (400/100 per class). */
export function buildDigitsOpencv(png: Uint8Array): { train: Split; test: Split } {
  return balancedSplit(sliceDigits(png), 100, SPLIT_SEED);
}
