// Benchmark: loading the 60,000-image training set from .gz with readIdx vs a bare zlib.gunzipSync of the
// same bytes. Prints the ratio (target ≤ 1.2). Uses fashion-mnist's train images (mnist is not always there).
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { readIdx } from "../src/idx";
import { cachedFilePath } from "../src/datasets";

const file = process.argv[2] ?? cachedFilePath("fashion-mnist", "train-images-idx3-ubyte.gz");
const ROUNDS = 9;

if (!fs.existsSync(file)) {
  console.error(`error: ${file} is missing — run \`npm run data\` first (or pass a .gz IDX file)`);
  process.exit(1);
}
const compressed = fs.readFileSync(file);

// Interleaved rounds after one warm-up of each, so background load hits both sides alike; medians compared.
function interleavedMediansMs(runs: (() => unknown)[]): number[] {
  runs.forEach((run) => run());
  const times = runs.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    runs.forEach((run, i) => {
      const start = process.hrtime.bigint();
      run();
      times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[ROUNDS >> 1]);
}

// readIdx(path) includes reading the file from disk; gunzipSync gets the bytes already in memory.
const [gunzipMs, readIdxMs] = interleavedMediansMs([() => zlib.gunzipSync(compressed), () => readIdx(file)]);
const { shape } = readIdx(compressed, file);
console.log(`file          ${file} (${compressed.length} bytes, shape [${shape}])`);
console.log(`gunzipSync    ${gunzipMs.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`readIdx(path) ${readIdxMs.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`ratio         ${(readIdxMs / gunzipMs).toFixed(3)} (target ≤ 1.2)`);
