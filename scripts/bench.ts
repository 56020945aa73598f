// npm run bench: training and inference throughput of the course's models, one JSON line per measurement.
//   npm run bench [-- --backends wasm,cpu --threads 1,2 --models reference-cnn,small-cnn --rounds 5 --steps 4]
//   npm run bench -- --profile            per-kernel times of one reference-CNN training step instead
//   npm run bench -- --torch PATH         also run PyTorch's reference script (e.g. ../shared/bench/torch_ref.py 2)
// Each backend × thread count runs in its own process, because wasm's thread pool is fixed once started.
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "../src/backend";
import { buildViT } from "../src/attention";
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
  "tiny-vit": () => buildViT({ imageSize: 28, channels: 1, patchSize: 7, dim: 64, depth: 2, heads: 4, mlpDim: 128, classes: 10 }),
};

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

async function benchModels(names: string[], rounds: number, steps: number, info: { backend: string; threads: number }): Promise<void> {
  const { x, y } = batch();
  for (const name of names) {
    const model = models[name]();
    model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
    const phases = {
      train: () => model.trainOnBatch(x, y),
      infer: async () => tf.dispose(await (model.predict(x) as tf.Tensor).data()),
    };
    for (const [phase, step] of Object.entries(phases)) {
      const ms = await timeSteps(step, rounds, steps);
      const line = { model: name, backend: info.backend, threads: info.threads, batch: BATCH, phase, samples_per_s: Math.round((BATCH * 1000) / ms), ms_per_step: +ms.toFixed(1) };
      console.log(JSON.stringify(line));
    }
    model.dispose();
  }
  tf.dispose([x, y]);
}

/** Per-kernel time of one training step of each model (kernels called inside our kernels are listed too). */
async function profileStep(name: string): Promise<void> {
  const { x, y } = batch();
  const model = models[name]();
  model.compile({ optimizer: tf.train.adam(), loss: "categoricalCrossentropy" });
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  const start = performance.now();
  const profile = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const total = performance.now() - start;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    byKernel.set(k.name, { ms: entry.ms + (k.kernelTimeMs as number), calls: entry.calls + 1 });
  }
  for (const [kernel, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(JSON.stringify({ model: name, kernel, calls, ms: +ms.toFixed(2) }));
  }
  console.log(JSON.stringify({ model: name, kernel: "(whole step, profiled)", ms: +total.toFixed(1) }));
  model.dispose();
  tf.dispose([x, y]);
}

async function child(args: { backend: string; threads: string; models: string; rounds: string; steps: string; profile: boolean }): Promise<void> {
  const info = await initBackend({ backend: args.backend as BackendName, threads: Number(args.threads), quiet: true });
  console.error(info.summary);
  if (args.profile) for (const name of args.models.split(",")) await profileStep(name);
  else await benchModels(args.models.split(","), Number(args.rounds), Number(args.steps), info);
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
      child: { type: "string" }, // internal: "backend:threads"
    },
  });
  const unknown = values.models.split(",").filter((m) => !(m in models));
  if (unknown.length) throw new Error(`Unknown model(s) ${unknown.join(", ")}; known: ${Object.keys(models).join(", ")}`);
  if (values.child) {
    const [backend, threads] = values.child.split(":");
    return child({ ...values, backend, threads });
  }
  const runs = values.backends.split(",").flatMap((b) => (b === "wasm" ? values.threads.split(",").map((t) => `${b}:${t}`) : [`${b}:1`]));
  for (const run of values.profile ? [runs[0]] : runs) {
    const args = [require.resolve("tsx/cli"), __filename, "--child", run, "--models", values.models, "--rounds", values.rounds, "--steps", values.steps];
    const result = spawnSync(process.execPath, values.profile ? [...args, "--profile"] : args, { stdio: "inherit" });
    if (result.status !== 0) process.exitCode = 1;
  }
  if (values.torch) {
    const [script, ...rest] = values.torch.split(" ");
    spawnSync("/usr/bin/python3", [script, ...rest], { stdio: "inherit" });
  }
}

main().catch((e: Error) => {
  console.error(process.env.DEBUG ? e : `bench: ${e.message}`);
  process.exit(1);
});
