// Benchmark: loading the 60,000-image training set from .gz with readIdx vs a bare zlib.gunzipSync of the
// same bytes. Prints the ratio (target ≤ 1.2). Uses fashion-mnist's train images (mnist is not always there).
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { readIdx } from "../src/idx";
import { cachedFilePath } from "../src/datasets";

const file = process.argv[2] ?? cachedFilePath("fashion-mnist", "train-images-idx3-ubyte.gz");
const ROUNDS = 7;

if (!fs.existsSync(file)) {
  console.error(`error: ${file} is missing — run \`npm run data\` first (or pass a .gz IDX file)`);
  process.exit(1);
}
const compressed = fs.readFileSync(file);

// Median of several timed runs, after one warm-up run.
function medianMs(run: () => unknown): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[ROUNDS >> 1];
}

const gunzipMs = medianMs(() => zlib.gunzipSync(compressed));
const readIdxMs = medianMs(() => readIdx(file)); // includes reading the file from disk
const { shape } = readIdx(compressed, file);
console.log(`file          ${file} (${compressed.length} bytes, shape [${shape}])`);
console.log(`gunzipSync    ${gunzipMs.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`readIdx(path) ${readIdxMs.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`ratio         ${(readIdxMs / gunzipMs).toFixed(3)} (target ≤ 1.2)`);
