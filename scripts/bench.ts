// npm run bench: training and inference throughput of the course's models, one JSON line per measurement.
//   npm run bench [-- --backends wasm,cpu --threads 1,2 --models reference-cnn,small-cnn --rounds 5 --steps 4]
//   npm run bench -- --profile            per-kernel times of a training step of each model instead (mean of --steps steps)
//   npm run bench -- --torch PATH         also PyTorch's reference script, e.g. ../shared/bench/torch_ref.py, for every
//                                         model it defines, at each --threads count, in the same run
//   npm run bench -- --repeat 3           the whole sequence (wasm at each thread count, then PyTorch) 3 times over,
//                                         interleaved; the table gives medians and each ratio's range over the repeats
//   npm run bench -- --readme             then rewrite README.md's speed table from this run's numbers
// Each backend × thread count runs in its own process, because wasm's thread pool is fixed once started.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "../src/backend";
import { buildViT } from "../src/attention";
import { writeFileAtomic } from "../src/atomic-write";
import { buildGPT, nextTokenBatch, trainStep } from "../src/gpt";
import { MODEL_BUILDERS } from "../src/models";

const BATCH = 128;

/** The reference CNN: the same network as ../shared/bench/torch_ref.py. */
function referenceCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }), // 26×26×32
      tf.layers.maxPooling2d({ poolSize: 2 }), // 13×13×32
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }), // 11×11×64
      tf.layers.maxPooling2d({ poolSize: 2 }), // 5×5×64
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
}

const models: Record<string, () => tf.LayersModel> = {
  "reference-cnn": referenceCnn,
  ...MODEL_BUILDERS,
  // 08's ViT and 09's language model at the notebooks' sizes (09: ~100 characters, 32 windows of 64 per step).
  "tiny-vit": () => buildViT({ imageSize: 28, channels: 1, patchSize: 7, dim: 64, depth: 2, heads: 4, mlpDim: 128, classes: 10 }),
  "tiny-gpt": () => buildGPT({ vocabSize: GPT_VOCAB, contextLength: GPT_CONTEXT, dim: 64, depth: 2, heads: 4, mlpDim: 256 }),
};
const GPT_VOCAB = 100;
const GPT_CONTEXT = 64;
const GPT_BATCH = 32;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median over `rounds` of the mean time of `steps` calls, after `steps` warm-up calls. */
async function timeSteps(step: () => Promise<unknown>, rounds: number, steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await step();
  const perStep: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await step();
    perStep.push((performance.now() - start) / steps);
  }
  return median(perStep);
}

function batch(): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.randomUniform([BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, "int32") as tf.Tensor1D, 10);
  return { x, y };
}

/** A training step and an inference step of one model on a fixed random batch; `samples` per step. */
function stepsOf(name: string, model: tf.LayersModel, images: { x: tf.Tensor; y: tf.Tensor }) {
  if (name === "tiny-gpt") {
    // 09's loop: next-token loss through trainStep (one loss read-back per step, as in the notebook).
    const tokens = Array.from({ length: GPT_BATCH * (GPT_CONTEXT + 1) }, (_, i) => (i * 7919) % GPT_VOCAB);
    const text = nextTokenBatch(tokens, Array.from({ length: GPT_BATCH }, (_, b) => b * GPT_CONTEXT), GPT_CONTEXT);
    const optimizer = tf.train.adam();
    return {
      samples: GPT_BATCH,
      train: async () => trainStep(model, optimizer, text),
      infer: async () => tf.dispose(await (model.predict(text.x) as tf.Tensor).data()),
      dispose: () => tf.dispose([text.x, text.y]),
    };
  }
  model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
  return {
    samples: BATCH,
    train: () => model.trainOnBatch(images.x, images.y),
    infer: async () => tf.dispose(await (model.predict(images.x) as tf.Tensor).data()),
    dispose: () => {},
  };
}

async function benchModels(names: string[], rounds: number, steps: number, info: { backend: string; threads: number }): Promise<void> {
  const images = batch();
  for (const name of names) {
    const model = models[name]();
    const bench = stepsOf(name, model, images);
    for (const phase of ["train", "infer"] as const) {
      const ms = await timeSteps(bench[phase], rounds, steps);
      const line = { model: name, backend: info.backend, threads: info.threads, batch: bench.samples, phase, samples_per_s: Math.round((bench.samples * 1000) / ms), ms_per_step: +ms.toFixed(1) };
      console.log(JSON.stringify(line));
    }
    bench.dispose();
    model.dispose();
  }
  tf.dispose([images.x, images.y]);
}

/** Per-kernel time of a training step of each model, the mean over `steps` profiled steps (kernels called inside our kernels are listed too). */
async function profileStep(name: string, steps: number, threads: number): Promise<void> {
  const images = batch();
  const model = models[name]();
  const bench = stepsOf(name, model, images);
  for (let i = 0; i < 3; i++) await bench.train();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  let total = 0;
  for (let s = 0; s < steps; s++) {
    const start = performance.now();
    const profile = await tf.profile(async () => {
      await bench.train();
    });
    total += performance.now() - start;
    for (const k of profile.kernels) {
      const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      byKernel.set(k.name, { ms: entry.ms + (k.kernelTimeMs as number), calls: entry.calls + 1 });
    }
  }
  for (const [kernel, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(JSON.stringify({ model: name, threads, kernel, calls: calls / steps, ms: +(ms / steps).toFixed(2) }));
  }
  console.log(JSON.stringify({ model: name, threads, kernel: "(whole step, profiled)", ms: +(total / steps).toFixed(1) }));
  bench.dispose();
  model.dispose();
  tf.dispose([images.x, images.y]);
}

async function child(args: { backend: string; threads: string; models: string; rounds: string; steps: string; profile: boolean }): Promise<void> {
  const info = await initBackend({ backend: args.backend as BackendName, threads: Number(args.threads), quiet: true });
  console.error(info.summary);
  if (args.profile) for (const name of args.models.split(",")) await profileStep(name, Number(args.steps), info.threads);
  else await benchModels(args.models.split(","), Number(args.rounds), Number(args.steps), info);
}

type Line = { model: string; backend: string; threads: number; batch: number; phase: string; samples_per_s: number; ms_per_step?: number; repeat?: number };

/** The JSON measurement lines in a process's output (the rest is progress text). */
const jsonLines = (text: string): Line[] => text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);

/** Runs a command, passes its output through, and returns the JSON lines it printed. */
function run(command: string, args: string[]): { lines: Line[]; ok: boolean } {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 });
  process.stdout.write(result.stdout ?? "");
  return { lines: jsonLines(result.stdout ?? ""), ok: result.status === 0 };
}

const README_BEGIN = "<!-- bench:begin (written by npm run bench -- --readme) -->";
const README_END = "<!-- bench:end -->";

/** The README's speed table: wasm at 1 and 2 threads against PyTorch CPU, training, from this run's lines. */
function speedTable(lines: Line[], threads: number[], repeats: number): string {
  /** Every repeat's rate of one cell (in repeat order; undefined where the repeat has none). */
  const rates = (model: string, backend: string, t: number) =>
    Array.from({ length: repeats }, (_, r) => lines.find((l) => l.model === model && l.backend === backend && l.threads === t && l.phase === "train" && (l.repeat ?? 0) === r)?.samples_per_s);
  const known = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const fmt = (xs: (number | undefined)[]) => (known(xs).length ? Math.round(median(known(xs))).toLocaleString("en") : "–");
  // A ratio is taken within each repeat (both sides measured minutes apart), then the median and range over repeats.
  const ratio = (as: (number | undefined)[], bs: (number | undefined)[]) => {
    const rs = known(as.map((a, i) => (a === undefined || bs[i] === undefined ? undefined : a / bs[i]!)));
    if (!rs.length) return "–";
    const range = rs.length > 1 ? ` (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})` : "";
    return `${median(rs).toFixed(2)}×${range}`;
  };
  const [one, most] = [Math.min(...threads), Math.max(...threads)];
  const head = [
    "| model | batch | wasm, " + one + " thread | wasm, " + most + " threads | " + most + " ÷ " + one + " threads | PyTorch, " + one + " thread | PyTorch, " + most + " threads | wasm ÷ PyTorch, " + most + " threads |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const rows = [...new Set(lines.filter((l) => l.backend === "wasm").map((l) => l.model))].map((m) => {
    const batch = lines.find((l) => l.model === m)?.batch;
    const [w1, w2, p1, p2] = [rates(m, "wasm", one), rates(m, "wasm", most), rates(m, "pytorch-cpu", one), rates(m, "pytorch-cpu", most)];
    return `| ${m} | ${batch} | ${fmt(w1)} | ${fmt(w2)} | ${ratio(w2, w1)} | ${fmt(p1)} | ${fmt(p2)} | ${ratio(w2, p2)} |`;
  });
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim() || "unknown";
  const when = new Date().toISOString().slice(0, 10);
  const how = repeats > 1
    ? `measured in one run of ${repeats} interleaved repeats (medians; ratios taken within each repeat, their range in brackets)`
    : "measured in one run";
  return [
    `Training samples per second (tiny-gpt: windows of ${GPT_CONTEXT} tokens), ${how} on ${os.availableParallelism()} cores of ${cpu}, ${when}, commit ${commit}:`,
    "",
    ...head,
    ...rows,
  ].join("\n");
}

function writeReadme(table: string): void {
  const file = path.join(__dirname, "..", "README.md");
  const text = fs.readFileSync(file, "utf8");
  const [a, b] = [text.indexOf(README_BEGIN), text.indexOf(README_END)];
  if (a < 0 || b < a) throw new Error(`README.md has no "${README_BEGIN}" … "${README_END}" block to rewrite; add the two markers where the table goes.`);
  writeFileAtomic(file, text.slice(0, a + README_BEGIN.length) + "\n" + table + "\n" + text.slice(b));
  console.error("bench: README.md's speed table rewritten");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: "string", default: "wasm" },
      threads: { type: "string", default: [...new Set([1, os.availableParallelism()])].join(",") },
      models: { type: "string", default: Object.keys(models).join(",") },
      rounds: { type: "string", default: "5" },
      steps: { type: "string", default: "4" },
      profile: { type: "boolean", default: false },
      torch: { type: "string" },
      readme: { type: "boolean", default: false },
      repeat: { type: "string", default: "1" },
      child: { type: "string" }, // internal: "backend:threads"
    },
  });
  const names = values.models.split(",");
  const unknown = names.filter((m) => !(m in models));
  if (unknown.length) throw new Error(`Unknown model(s) ${unknown.join(", ")}; known: ${Object.keys(models).join(", ")}`);
  const threads = values.threads.split(",").map(Number);
  if (threads.some((t) => !(t >= 1))) throw new Error(`--threads ${values.threads}: give thread counts of 1 or more, e.g. 2,1`);
  if (values.child) {
    const [backend, t] = values.child.split(":");
    return child({ ...values, backend, threads: t });
  }
  if (values.torch && !fs.existsSync(values.torch)) throw new Error(`--torch ${values.torch}: no such script (e.g. ../shared/bench/torch_ref.py)`);
  const repeats = Number(values.repeat);
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`--repeat ${values.repeat}: give a whole number of 1 or more, e.g. 3`);
  if (repeats > 1 && values.profile) throw new Error("--repeat is for throughput runs; --profile already averages --steps steps");
  const runs = values.backends.split(",").flatMap((b) => (b === "wasm" ? threads.map((t) => `${b}:${t}`) : [`${b}:1`]));
  const lines: Line[] = [];
  // Repeats interleave both sides, so that a host that slows down for a while (the same PyTorch run here has moved
  // between 1,400 and 4,600 samples/s within minutes) weighs on both, and the ranges show how far to trust a ratio.
  for (let repeat = 0; repeat < repeats; repeat++) {
    if (repeats > 1) console.error(`bench: repeat ${repeat + 1} of ${repeats}`);
    for (const r of runs) {
      const args = [require.resolve("tsx/cli"), __filename, "--child", r, "--models", values.models, "--rounds", values.rounds, "--steps", values.steps];
      const result = run(process.execPath, values.profile ? [...args, "--profile"] : args);
      lines.push(...result.lines.map((l) => ({ ...l, repeat })));
      if (!result.ok) process.exitCode = 1;
    }
    if (values.torch && !values.profile) {
      // The same models in PyTorch, where the script defines them (it exits with "unknown model" otherwise).
      for (const t of threads) {
        for (const name of names) {
          const result = spawnSync("/usr/bin/python3", [values.torch, String(t), name], { encoding: "utf8" });
          if (result.status === 0) {
            process.stdout.write(result.stdout);
            lines.push(...jsonLines(result.stdout).map((l) => ({ ...l, repeat })));
          } else if (!/unknown model/.test(result.stderr)) {
            throw new Error(`${values.torch} ${t} ${name} failed: ${result.stderr.trim().split("\n").pop()}`);
          }
        }
      }
    }
  }
  if (values.readme) {
    if (values.profile) throw new Error("--readme needs throughput lines, not --profile");
    writeReadme(speedTable(lines, threads, repeats));
  }
}

main().catch((e: Error) => {
  console.error(process.env.DEBUG ? e : `bench: ${e.message}`);
  process.exit(1);
});
