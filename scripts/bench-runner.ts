// Benchmark of the notebook runner's own cost: kernel start time, and per-cell overhead = the runner's
// wall time for a cell minus the kernel's own time for it (iopub status idle date − busy date; tslab
// stamps its execute_reply when the request arrives, so the idle status is the only end-of-work time).
// Usage: npx tsx scripts/bench-runner.ts [cells=200] [starts=3]
import type { ICodeCell } from "@jupyterlab/nbformat";
import path from "node:path";
import { Kernel } from "./runner/kernel";
import { OutputCollector } from "./runner/outputs";

const ROOT = path.resolve(__dirname, "..");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

async function main(): Promise<void> {
  const cells = Number(process.argv[2] ?? 200);
  const starts = Number(process.argv[3] ?? 3);
  const startTimes: number[] = [];
  for (let i = 0; i < starts; i++) {
    const t0 = performance.now();
    const kernel = await Kernel.start(path.join(ROOT, "notebooks"));
    startTimes.push(performance.now() - t0);
    await kernel.shutdown();
  }
  const kernel = await Kernel.start(path.join(ROOT, "notebooks"));
  const collector = new OutputCollector();
  const overhead: number[] = [];
  const kernelOwn: number[] = [];
  for (let i = 0; i < cells; i++) {
    const cell: ICodeCell = { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: "" };
    collector.begin(cell);
    const t0 = performance.now();
    const reply = await kernel.execute(`const v${i} = ${i}; console.log(v${i});`, (msg) => collector.add(msg), 60_000);
    const wall = performance.now() - t0;
    const own = Date.parse(reply.timing["iopub.status.idle"]) - Date.parse(reply.timing["iopub.status.busy"]);
    if (i > 0) {
      overhead.push(wall - own); // the first cell warms the compiler
      kernelOwn.push(own);
    }
  }
  await kernel.shutdown();
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`kernel start (spawn → kernel_info answered), ${starts} runs: median ${ms(median(startTimes))}, all: ${startTimes.map(ms).join(", ")}`);
  console.log(`${overhead.length} trivial cells: kernel's own time median ${ms(median(kernelOwn))}`);
  console.log(`runner overhead per cell (wall − kernel's own; timestamps have 1 ms resolution): median ${ms(median(overhead))}, p90 ${ms(p90(overhead))}, max ${ms(Math.max(...overhead))}`);
}

main().catch((error: Error) => {
  console.error(`bench-runner: ${error.message}`);
  process.exit(1);
});
